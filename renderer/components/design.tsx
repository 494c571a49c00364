import type { LucideIcon } from './icons';
import type { ReactNode } from 'react';

/** The primary action of a screen, fixed at the bottom of the visible content. */
export function ActionBar({ children }: { children: ReactNode }) {
  return <div className="action-bar">{children}</div>;
}

/** Where the person is in a multi-step flow: done steps, the current one, those to come. */
export function Steps({
  label,
  steps,
  current,
}: {
  label: string;
  steps: string[];
  current: number;
}) {
  return (
    <ol className="steps" aria-label={label}>
      {steps.map((step, index) => (
        <li
          key={step}
          className={index < current ? 'done' : undefined}
          aria-current={index === current ? 'step' : undefined}
        >
          <span className="truncate">{step}</span>
        </li>
      ))}
    </ol>
  );
}

/** A list with nothing in it yet: an icon, what is missing, and what to do about it. */
export function EmptyState({
  icon: Icon,
  title,
  children,
}: {
  icon: LucideIcon;
  title: string;
  children?: ReactNode;
}) {
  return (
    <div className="empty-state">
      <Icon aria-hidden="true" className="icon" />
      <p className="empty-title">{title}</p>
      {children}
    </div>
  );
}
