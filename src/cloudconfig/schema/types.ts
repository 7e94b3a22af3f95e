/**
 * The schema is data: one table per section, each key with its type, the
 * `valid` pattern upstream checks, its deprecation note and the environment
 * variable it becomes in a `20-cloudinit.conf` drop-in. The validator's
 * structure and validity rules, the typed decode and the plan all read it.
 */

/** The type names upstream's messages use: `incorrect type for "x" (want []string)`. */
export type FieldType = "string" | "bool" | "int" | "float64" | "[]string" | "struct" | "[]struct";

export interface FieldOptions {
  /** Allowed values of a string field (upstream's `valid` tag, translated to JS). */
  valid?: RegExp;
  /** Upstream's `deprecated` tag: the validator warns, the key still works. */
  deprecated?: string;
  /** The variable a drop-in or env file sets from this key. */
  env?: string;
  /** A string field that may hold bytes after decoding (write_files content). */
  bytes?: boolean;
}

export interface Field<T extends FieldType = FieldType> extends FieldOptions {
  type: T;
  /** The keys of a struct, or of each element of a []struct, in declaration order. */
  fields?: Section;
}

/** Keys in declaration order, which is also the order of drop-in lines. */
export type Section = { readonly [key: string]: Field };

export interface StructField<S extends Section, T extends "struct" | "[]struct"> extends Field<T> {
  fields: S;
}

export const string = (o: FieldOptions = {}): Field<"string"> => ({ type: "string", ...o });
export const bool = (o: FieldOptions = {}): Field<"bool"> => ({ type: "bool", ...o });
export const int = (o: FieldOptions = {}): Field<"int"> => ({ type: "int", ...o });
export const float64 = (o: FieldOptions = {}): Field<"float64"> => ({ type: "float64", ...o });
export const strings = (o: FieldOptions = {}): Field<"[]string"> => ({ type: "[]string", ...o });

export function struct<S extends Section>(
  fields: S,
  o: FieldOptions = {},
): StructField<S, "struct"> {
  return { type: "struct", fields, ...o };
}

export function structs<S extends Section>(
  fields: S,
  o: FieldOptions = {},
): StructField<S, "[]struct"> {
  return { type: "[]struct", fields, ...o };
}

/** Fills in `env` as PREFIX + the upper-cased key wherever a key does not name its own. */
export function withEnv<S extends Section>(prefix: string, fields: S): S {
  const out: Record<string, Field> = {};
  for (const [key, field] of Object.entries(fields)) {
    out[key] = { ...field, env: field.env ?? `${prefix}${key.toUpperCase()}` };
  }
  return out as S;
}

/** The TypeScript type a section decodes to: every key optional, as in the YAML. */
export type Infer<S extends Section> = { -readonly [K in keyof S]?: InferField<S[K]> };

type InferField<F> =
  F extends StructField<infer S, "struct">
    ? Infer<S>
    : F extends StructField<infer S, "[]struct">
      ? Infer<S>[]
      : F extends Field<"string">
        ? F extends { bytes: true }
          ? string | Uint8Array
          : string
        : F extends Field<"bool">
          ? boolean
          : F extends Field<"int" | "float64">
            ? number
            : F extends Field<"[]string">
              ? string[]
              : never;
