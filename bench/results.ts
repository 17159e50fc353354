/** The shape of a run's results: per measurement, per column, the figures and what went wrong. */
import type { Integrity } from './integrity.js';
import type { Column, Figure } from './measure/types.js';

export interface Cell {
  figures: Figure[];
  integrity: Integrity;
  notes: string[];
  /** Set when the measurement itself failed in this column. */
  error?: string;
  seconds: number;
}

export type Results = Record<string, Partial<Record<Column, Cell>>>;
