// A button's action with its busy flag and the message it ends with: what it said, or its error.
import { useState } from 'react';

export interface ActionMessage { error: boolean; text: string }

export function useAction() {
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<ActionMessage | null>(null);
  /** Runs `action`; a string it returns is the message, else "<what>: done". */
  const act = async (what: string, action: () => Promise<unknown>): Promise<void> => {
    setBusy(true);
    setMessage(null);
    try {
      const said = await action();
      setMessage({ error: false, text: typeof said === 'string' ? said : `${what}: done` });
    } catch (e) {
      setMessage({ error: true, text: (e as Error).message });
    } finally {
      setBusy(false);
    }
  };
  return { busy, message, setMessage, act };
}
