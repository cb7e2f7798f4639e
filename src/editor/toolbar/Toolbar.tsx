import { showModels } from '../models/modelsStore.ts';
import { patchUi } from '../store/ui.ts';
import { BackendPicker } from './BackendPicker.tsx';
import { FileMenu } from './FileMenu.tsx';
import { RunControls } from './RunControls.tsx';

export function Toolbar() {
  return (
    <header className="toolbar" data-testid="toolbar">
      <strong className="brand">Latent Loom</strong>
      <FileMenu />
      <RunControls />
      <BackendPicker />
      <button type="button" data-testid="models-button" onClick={() => showModels(true)} title="Add, download and delete models">Models</button>
      <button type="button" data-testid="help-button" onClick={() => patchUi({ help: true })} title="Shortcuts (?)">?</button>
    </header>
  );
}
