// The prompt library's pure side: drafts from the composer, variants from a pane's overrides,
// which variant a pane takes, and what two variants differ in.
import type { Params, Prompt, PromptDraft, PromptInputs, PromptVariant, VariantDraft } from '../../ipc';
import { compactParams, formatParam, PARAM_FIELDS, type Overrides, type ParamKey } from '../state/params';

/** The library prompt a comparison holds (saved or loaded). */
export interface LibraryRef {
  id: number;
  name: string;
}

/** What "Promote to all panes" makes shared: a system prompt (none = leave it) and parameters. */
export interface SharedValues {
  system?: string | null;
  params: Params;
}

/** "a, b\nc" → ['a', 'b', 'c']: trimmed, empties and repeats (any case) dropped. */
export function parseTags(text: string): string[] {
  const tags: string[] = [];
  for (const tag of text.split(/[,\n]/).map((t) => t.trim())) {
    if (tag && !tags.some((t) => t.toLowerCase() === tag.toLowerCase())) tags.push(tag);
  }
  return tags;
}

/** The composer's prompt as `save_prompt` takes it. */
export function promptDraft(
  from: { system: string; prompt: string; inputs: PromptInputs },
  name: string,
  tags: string,
): PromptDraft {
  return {
    name: name.trim(),
    tags: parseTags(tags),
    system: from.system,
    user: from.prompt,
    inputs: { columns: [...from.inputs.columns], rows: from.inputs.rows.map((r) => [...r]) },
  };
}

/** A pane's overrides (system prompt and parameters) as a variant of library prompt `promptId`. */
export function variantDraft(
  pane: { provider: string; model: string; overrides: Overrides },
  promptId: number,
  label = '',
): VariantDraft {
  return {
    prompt_id: promptId,
    provider: pane.provider,
    model: pane.model,
    label: label.trim(),
    system: pane.overrides.system ?? null,
    user: null,
    params: compactParams(pane.overrides.params),
    note: '',
  };
}

/** The variant a pane of `provider`/`model` takes: the unlabelled one, else the first. */
export function variantFor(variants: PromptVariant[], provider: string, model: string): PromptVariant | undefined {
  const mine = variants.filter((v) => v.provider === provider && v.model === model);
  return mine.find((v) => v.label === '') ?? mine[0];
}

/** A pane's overrides once `variant` is applied: its system prompt and parameters replace the pane's (the rest stays). */
export function overridesFromVariant(current: Overrides, variant: PromptVariant): Overrides {
  const { system: _system, ...rest } = current;
  const next: Overrides = { ...rest, params: compactParams(variant.params) };
  if (variant.system !== null) next.system = variant.system;
  return next;
}

/** "openai · gpt-4o" (with the label when there is one). */
export function variantTitle(v: PromptVariant): string {
  return `${v.provider} · ${v.model}${v.label ? ` (${v.label})` : ''}`;
}

/** Variants grouped under their provider and model, in the order given. */
export function groupByModel(variants: PromptVariant[]): { target: string; variants: PromptVariant[] }[] {
  const groups: { target: string; variants: PromptVariant[] }[] = [];
  for (const v of variants) {
    const target = `${v.provider} · ${v.model}`;
    const group = groups.find((g) => g.target === target);
    if (group) group.variants.push(v);
    else groups.push({ target, variants: [v] });
  }
  return groups;
}

/** One side of a variant diff: the texts a pane would send and the parameters it would override. */
export interface VariantSide {
  title: string;
  system: string;
  user: string;
  params: Params;
}

/** The base prompt (`variant` null) or a variant with the prompt's texts where it has none of its own. */
export function variantSide(prompt: Prompt, variant: PromptVariant | null): VariantSide {
  if (!variant) return { title: 'Base prompt', system: prompt.system, user: prompt.user, params: {} };
  return {
    title: variantTitle(variant),
    system: variant.system ?? prompt.system,
    user: variant.user ?? prompt.user,
    params: compactParams(variant.params),
  };
}

export interface ParamChange {
  key: ParamKey;
  label: string;
  /** '' = not set (the shared value or the provider's default). */
  before: string;
  after: string;
}

/** The parameters whose values differ between `a` and `b`, in the order of the parameter form. */
export function paramChanges(a: Params, b: Params): ParamChange[] {
  return PARAM_FIELDS.flatMap((f) => {
    const before = formatParam(f.key, a[f.key]).replace(/\n/g, ', ');
    const after = formatParam(f.key, b[f.key]).replace(/\n/g, ', ');
    return before === after ? [] : [{ key: f.key, label: f.label, before, after }];
  });
}
