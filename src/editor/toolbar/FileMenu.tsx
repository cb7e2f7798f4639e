// Save and open graph files, and the example graphs.
import { useRef } from 'react';
import { emptyGraph } from '../../graph/index.ts';
import { openFile, openGraph } from '../files/graphFile.ts';
import { ExamplesMenu } from './ExamplesMenu.tsx';
import { undo, redo, useHistory } from '../store/graph.ts';
import { patchUi, useUi } from '../store/ui.ts';

export function FileMenu() {
  const input = useRef<HTMLInputElement>(null);
  const autosave = useUi((s) => s.autosave);
  const { canUndo, canRedo } = useHistory();
  return (
    <div className="group files">
      <button type="button" data-testid="new-graph" onClick={() => openGraph(emptyGraph(), 'a new graph', 'untitled')} title="A new, empty graph (the one open now is one undo away)">New</button>
      <button type="button" data-testid="save-graph" onClick={() => patchUi({ saving: true })} title="Save (Ctrl+S)">Save</button>
      <button type="button" data-testid="open-graph" onClick={() => input.current?.click()} title="Open (Ctrl+O)">Open</button>
      <input ref={input} type="file" accept=".json,.png,application/json,image/png" hidden data-testid="open-file-input"
        onChange={(e) => { const f = e.target.files?.[0]; e.target.value = ''; if (f) void openFile(f); }} />
      <ExamplesMenu />
      <button type="button" data-testid="undo" disabled={!canUndo} onClick={undo} title="Undo (Ctrl+Z)">↶</button>
      <button type="button" data-testid="redo" disabled={!canRedo} onClick={redo} title="Redo (Ctrl+Shift+Z)">↷</button>
      <span className="muted" data-testid="autosave" data-state={autosave}>{autosave === 'saved' ? 'saved' : autosave === 'pending' ? 'saving…' : autosave === 'failed' ? 'autosave failed' : ''}</span>
    </div>
  );
}
