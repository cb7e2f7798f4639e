import { createRoot } from 'react-dom/client';
import '@xyflow/react/dist/style.css';
import { App } from './App.tsx';
import { boot } from './boot.ts';
import './app.css';

void boot().then(() => createRoot(document.getElementById('root')!).render(<App />));
