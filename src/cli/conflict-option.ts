// `--on-conflict` of plan and apply (read by makeTagger through optsWithGlobals, as the tagger's onConflict).
import { Option } from './common.js';

/** `--on-conflict` of plan and apply: what a rename or copy does onto a key already carried with another value. */
export function conflictOption(): Option {
  return new Option(
    '--on-conflict <choice>',
    'a rename or copy onto a key the resource carries with another value: fail (refuse that resource, TagConflict), overwrite, or keep (leave both keys)',
  )
    .choices(['fail', 'overwrite', 'keep'])
    .default('fail');
}
