/**
 * Shape of the hand-kept message descriptors. Protobuf says only *how* a field is encoded; what kube's JSON
 * looks like depends on the Go struct (pointer or value, `omitempty`, `,inline`), so each field carries that too.
 * Fields are listed in Go struct order, which is the key order of kube's JSON.
 */

/**
 * How the Go JSON encoder treats the field (wire-formats §2.6). Absent = a value field tagged `omitempty`:
 * zero scalars and empty lists/maps are dropped; a value *struct* is always written (Go cannot omit it).
 * - `keep`: value field without `omitempty`: zero scalars are written, empty lists/maps become `null`.
 * - `ptr`: Go pointer with `omitempty`: written exactly when present on the wire, whatever its value.
 * - `ptrnull`: Go pointer without `omitempty`: the value when present, `null` otherwise.
 * - `inline`: `json:",inline"` embedded struct: its keys are flattened into the parent.
 * - `omitzero`: struct tagged `omitzero`: dropped when it decodes to its zero value.
 */
export type Presence = 'keep' | 'ptr' | 'ptrnull' | 'inline' | 'omitzero';

/**
 * `[field number, JSON name, type, presence?]`. Type grammar: a scalar (`string`, `bytes`, `bool`, `int32`,
 * `int64`), a message name (`core.v1.PodSpec`, package aliases as in ./index.ts), `[]T` for repeated, or
 * `map<string,T>`. For `inline` fields the name is the proto field name (it never reaches the JSON).
 */
export type FieldSpec = readonly [no: number, json: string, type: string, presence?: Presence];

/** Message name → its fields. */
export type MessageTable = Readonly<Record<string, readonly FieldSpec[]>>;
