// A modal dialog on Radix's Dialog: labelled by its title, focus moved in, kept in (Tab cycles) and given
// back on close, Escape and a click on the backdrop close the topmost one only, the page behind hidden
// from screen readers. While one is open the editor's shortcuts do not reach the graph (`modalOpen`).
import * as Dialog from '@radix-ui/react-dialog';
import { useEffect, useState, type HTMLAttributes, type ReactNode } from 'react';

const openDialogs = new Set<object>();

/** Whether a dialog is open: the keyboard is the dialog's then, not the graph's. */
export const modalOpen = (): boolean => openDialogs.size > 0;

/** A line that says what the dialog is for, read out after its title. */
export const ModalDescription = Dialog.Description;

interface Props {
  /** The dialog's title: its accessible name, shown as its heading when `heading` is set. */
  label: string;
  onClose: () => void;
  children: ReactNode;
  className?: string;
  testId?: string;
  role?: 'dialog' | 'alertdialog';
  /** A click on the dimmed backdrop closes it (not for dialogs that ask for a decision). */
  backdropCloses?: boolean;
  overlayProps?: HTMLAttributes<HTMLDivElement>;
  /** Show the label as the dialog's heading (else only screen readers read it). */
  heading?: boolean;
}

export function Modal({ label, onClose, children, className = 'dialog', testId, role = 'dialog', backdropCloses = true, overlayProps, heading = false }: Props) {
  // Radix gives focus back to a Dialog.Trigger; these dialogs open from shortcuts and menus, so
  // remember what had focus when this one opened.
  const [before] = useState(() => (document.activeElement instanceof HTMLElement ? document.activeElement : null));
  useEffect(() => {
    const entry = {};
    openDialogs.add(entry);
    return () => { openDialogs.delete(entry); };
  }, []);
  const giveFocusBack = (e: Event) => {
    e.preventDefault();
    // Only when nothing else took it meanwhile (the dialog's own action may have focused something).
    const now = document.activeElement;
    if (before?.isConnected && (!now || now === document.body)) before.focus();
  };
  return (
    <Dialog.Root open onOpenChange={(open) => { if (!open) onClose(); }}>
      <Dialog.Portal>
        <Dialog.Overlay className="overlay" {...overlayProps}>
          <Dialog.Content className={className} role={role} aria-modal="true" data-testid={testId}
            onInteractOutside={(e) => { if (!backdropCloses) e.preventDefault(); }} onCloseAutoFocus={giveFocusBack}>
            <Dialog.Title className={heading ? undefined : 'visually-hidden'}>{label}</Dialog.Title>
            {children}
          </Dialog.Content>
        </Dialog.Overlay>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
