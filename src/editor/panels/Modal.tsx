// A modal dialog: labelled, focus moves in and stays in (Tab cycles), Escape closes the topmost one, and
// focus goes back where it was. While one is open, the editor's shortcuts do not reach the graph behind it.
import { useEffect, useRef, type KeyboardEvent, type ReactNode } from 'react';

const stack: { close: () => void }[] = [];

/** Whether a dialog is open: shortcuts other than Escape are not for the graph then. */
export const modalOpen = (): boolean => stack.length > 0;

/** Closes the dialog on top; false when none is open. */
export function closeTopModal(): boolean {
  const top = stack.at(-1);
  if (!top) return false;
  top.close();
  return true;
}

const FOCUSABLE = 'button:not([disabled]), [href], input:not([disabled]):not([type=hidden]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

export function focusables(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => !el.hidden && el.getClientRects().length > 0);
}

interface Props {
  label: string;
  onClose: () => void;
  children: ReactNode;
  className?: string;
  testId?: string;
  role?: 'dialog' | 'alertdialog';
  /** A click on the dimmed backdrop closes it (not for dialogs that ask for a decision). */
  backdropCloses?: boolean;
  overlayProps?: React.HTMLAttributes<HTMLDivElement>;
}

export function Modal({ label, onClose, children, className = 'dialog', testId, role = 'dialog', backdropCloses = true, overlayProps }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const closeRef = useRef(onClose);
  closeRef.current = onClose;
  useEffect(() => {
    const entry = { close: () => closeRef.current() };
    stack.push(entry);
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const el = ref.current;
    // A child that focused itself (autoFocus, a search box) keeps it; else the first control, else the dialog.
    if (el && !el.contains(document.activeElement)) (focusables(el)[0] ?? el).focus();
    return () => {
      const i = stack.indexOf(entry);
      if (i >= 0) stack.splice(i, 1);
      if (before?.isConnected && (!document.activeElement || document.activeElement === document.body || el?.contains(document.activeElement))) before.focus();
    };
  }, []);
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'Tab' || !ref.current) return;
    const list = focusables(ref.current);
    if (list.length === 0) { e.preventDefault(); return; }
    const first = list[0];
    const last = list[list.length - 1];
    if (e.shiftKey && (document.activeElement === first || document.activeElement === ref.current)) { e.preventDefault(); last.focus(); }
    else if (!e.shiftKey && document.activeElement === last) { e.preventDefault(); first.focus(); }
  };
  return (
    <div className="overlay" {...overlayProps} onMouseDown={(e) => backdropCloses && e.target === e.currentTarget && onClose()}>
      <div ref={ref} className={className} role={role} aria-modal="true" aria-label={label} data-testid={testId} tabIndex={-1} onKeyDown={onKeyDown}>
        {children}
      </div>
    </div>
  );
}
