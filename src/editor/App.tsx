import { ReactFlowProvider } from '@xyflow/react';
import { useEffect } from 'react';
import { Canvas } from './canvas/Canvas.tsx';
import { ContextMenu } from './canvas/ContextMenu.tsx';
import { SaveDialog } from './files/SaveDialog.tsx';
import { onCopy, onKeyDown, onPaste } from './edit/shortcuts.ts';
import { EnlargedImage } from './images/EnlargedImage.tsx';
import { Gallery } from './images/Gallery.tsx';
import { Inspector } from './inspector/Inspector.tsx';
import { MissingModelsDialog } from './models/MissingModelsDialog.tsx';
import { ModelsDialog } from './models/ModelsDialog.tsx';
import { Palette } from './palette/Palette.tsx';
import { MaskPainter } from './paint/MaskPainter.tsx';
import { HelpPanel } from './panels/HelpPanel.tsx';
import { ProblemsDialog } from './panels/ProblemsDialog.tsx';
import { Toasts } from './panels/Toasts.tsx';
import { Toolbar } from './toolbar/Toolbar.tsx';

export function App() {
  useEffect(() => {
    window.addEventListener('keydown', onKeyDown);
    document.addEventListener('copy', onCopy);
    document.addEventListener('paste', onPaste);
    return () => {
      window.removeEventListener('keydown', onKeyDown);
      document.removeEventListener('copy', onCopy);
      document.removeEventListener('paste', onPaste);
    };
  }, []);
  return (
    <ReactFlowProvider>
      <div className="app">
        <Toolbar />
        <main className="workspace">
          <Canvas />
          <Inspector />
        </main>
        <Gallery />
      </div>
      <Palette />
      <HelpPanel />
      <ProblemsDialog />
      <ModelsDialog />
      <MissingModelsDialog />
      <ContextMenu />
      <SaveDialog />
      <EnlargedImage />
      <MaskPainter />
      <Toasts />
    </ReactFlowProvider>
  );
}
