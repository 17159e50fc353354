// An elicitation form (elicitation/create, form mode) asked at the terminal field by field, from its
// requestedSchema: text, numbers, booleans, single and multiple choices, with defaults and checks.
import type { ElicitRequest, ElicitResult } from '@modelcontextprotocol/sdk/types.js';

type Field = {
  type?: string;
  title?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  enumNames?: string[];
  oneOf?: { const: unknown; title?: string }[];
  items?: { enum?: unknown[]; anyOf?: { const: unknown; title?: string }[] };
  minimum?: number;
  maximum?: number;
};

type Choice = { value: string; title: string };

/** How the form talks to the person: `ask` returns the typed line (undefined once input ended), `say` prints a line. */
export interface FormIo {
  ask(question: string): Promise<string | undefined>;
  say(text: string): void;
}

/** What a refusal typed at any field means. */
const refusals: Record<string, ElicitResult['action']> = { ':decline': 'decline', ':cancel': 'cancel' };

function choicesOf(field: Field): Choice[] | undefined {
  const titled = field.oneOf ?? field.items?.anyOf;
  if (titled) return titled.map((option) => ({ value: String(option.const), title: option.title ?? String(option.const) }));
  const values = field.enum ?? field.items?.enum;
  return values?.map((value, index) => ({ value: String(value), title: field.enumNames?.[index] ?? String(value) }));
}

function pick(choices: Choice[], answer: string): string | undefined {
  const text = answer.trim();
  const byNumber = /^\d+$/.test(text) ? choices[Number(text) - 1] : undefined;
  return (byNumber ?? choices.find((choice) => choice.value === text || choice.title.toLowerCase() === text.toLowerCase()))?.value;
}

/** The typed answer as the field's value, or a reason it is not one. */
function parseAnswer(field: Field, answer: string): { value: unknown } | { problem: string } {
  const choices = choicesOf(field);
  if (field.type === 'array') {
    const picked = answer.split(',').map((part) => (choices ? pick(choices, part) : part.trim()));
    return picked.some((value) => value === undefined) ? { problem: 'pick from the list, separated by commas' } : { value: picked };
  }
  if (choices) {
    const value = pick(choices, answer);
    return value === undefined ? { problem: 'pick one of the list (its number, value or title)' } : { value };
  }
  if (field.type === 'boolean') {
    if (/^(y|yes|true)$/i.test(answer.trim())) return { value: true };
    if (/^(n|no|false)$/i.test(answer.trim())) return { value: false };
    return { problem: 'answer yes or no' };
  }
  if (field.type === 'number' || field.type === 'integer') {
    const value = Number(answer);
    if (answer.trim() === '' || !Number.isFinite(value) || (field.type === 'integer' && !Number.isInteger(value))) return { problem: `expected ${field.type === 'integer' ? 'a whole number' : 'a number'}` };
    if ((field.minimum !== undefined && value < field.minimum) || (field.maximum !== undefined && value > field.maximum)) return { problem: `expected ${field.minimum ?? '…'} to ${field.maximum ?? '…'}` };
    return { value };
  }
  return { value: answer };
}

function questionFor(name: string, field: Field, required: boolean): string {
  const choices = choicesOf(field);
  const type = choices ? (field.type === 'array' ? 'choose any' : 'choose one') : field.type === 'boolean' ? 'yes/no' : field.type ?? 'text';
  const fallback = field.default !== undefined ? `, default ${Array.isArray(field.default) ? field.default.join(',') : String(field.default)}` : '';
  return `${field.title ?? name}${required ? ' *' : ''} (${type}${fallback}): `;
}

/**
 * Asks the fields of a form-mode elicitation one by one and returns the result: `accept` with the
 * answers; `decline` or `cancel` when the person types `:decline` or `:cancel`; `cancel` when the
 * input ends. An empty answer takes the default, or leaves an optional field out.
 */
export async function askForm(params: ElicitRequest['params'], io: FormIo): Promise<ElicitResult> {
  if (params.mode === 'url') {
    io.say(`the server asks you to open ${String((params as { url?: unknown }).url)}: ${params.message}`);
    return { action: 'decline' };
  }
  const schema = params.requestedSchema as { properties?: Record<string, Field>; required?: string[] };
  const required = new Set(schema.required ?? []);
  io.say(`the server asks: ${params.message}`);
  io.say('(one answer per field; empty keeps the default or skips an optional field; :decline or :cancel refuses)');
  const content: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(schema.properties ?? {})) {
    if (field.description) io.say(`  ${field.description}`);
    const choices = choicesOf(field);
    if (choices) io.say(choices.map((choice, index) => `  ${index + 1}. ${choice.title}${choice.title !== choice.value ? ` (${choice.value})` : ''}`).join('\n'));
    for (;;) {
      const answer = await io.ask(questionFor(name, field, required.has(name)));
      if (answer === undefined) return { action: 'cancel' };
      const refusal = refusals[answer.trim()];
      if (refusal) return { action: refusal };
      if (answer.trim() === '') {
        if (field.default !== undefined) content[name] = field.default;
        else if (required.has(name)) {
          io.say('  required');
          continue;
        }
        break;
      }
      const parsed = parseAnswer(field, answer);
      if ('value' in parsed) {
        content[name] = parsed.value;
        break;
      }
      io.say(`  ${parsed.problem}`);
    }
  }
  return { action: 'accept', content: content as ElicitResult['content'] };
}
