// What a plan or apply says at its end about the changes infrastructure-as-code tools would undo.
import type { IacNote } from '../iac/reverts.js';
import { iacSummary } from './render.js';

/** The changes of a run that tools would undo, per tool, as windows are planned; said at the end. */
export class UndoneCount {
  readonly #undone = new Map<IacNote['tool'], { count: number; names: string[] }>();

  /** Counts a window's entries whose change a tool would undo (written or, with refuse, refused). */
  count(entries: readonly { status: string; iac?: IacNote | undefined }[]): void {
    for (const { status, iac } of entries) {
      if (!iac || iac.reverts.length === 0 || status !== 'change') continue;
      const seen = this.#undone.get(iac.tool) ?? { count: 0, names: [] };
      seen.count += 1;
      const name = iac.address ?? iac.stack ?? iac.urn ?? '';
      if (seen.names.length < 3 && !seen.names.includes(name)) seen.names.push(name);
      this.#undone.set(iac.tool, seen);
    }
  }

  /** The summary lines (none when nothing would be undone). */
  lines(): string[] {
    return iacSummary(this.#undone);
  }
}
