/**
 * A small builder for the portable type registry (`lookup`) of a V14 metadata document.
 * Types are plain JSON in the shape `@polkadot/types` accepts for `Metadata`.
 */
export type PrimitiveName = 'Bool' | 'Char' | 'Str' | 'U8' | 'U16' | 'U32' | 'U64' | 'U128' | 'I32';

export interface FieldJson {
  name: string | null;
  type: number;
  typeName: string | null;
  docs: string[];
}

export interface VariantJson {
  name: string;
  fields: FieldJson[];
  index: number;
  docs: string[];
}

type TypeDefJson =
  | { Composite: { fields: FieldJson[] } }
  | { Variant: { variants: VariantJson[] } }
  | { Sequence: { type: number } }
  | { Array: { len: number; type: number } }
  | { Tuple: number[] }
  | { Primitive: PrimitiveName }
  | { Compact: { type: number } };

export interface PortableTypeJson {
  id: number;
  type: { path: string[]; params: { name: string; type: number | null }[]; def: TypeDefJson; docs: string[] };
}

/** A field: `[name, typeId, typeName?]`; a null name makes an unnamed (tuple-like) field. */
export type FieldSpec = readonly [name: string | null, type: number, typeName?: string];

export interface VariantSpec {
  name: string;
  index: number;
  fields?: readonly FieldSpec[];
}

export class TypeTable {
  readonly types: PortableTypeJson[] = [];
  readonly #dedupe = new Map<string, number>();

  #add(path: string[], def: TypeDefJson, params: { name: string; type: number | null }[] = []): number {
    const key = JSON.stringify([path, def, params]);
    const existing = this.#dedupe.get(key);
    if (existing !== undefined) return existing;
    const id = this.types.length;
    this.types.push({ id, type: { path, params, def, docs: [] } });
    this.#dedupe.set(key, id);
    return id;
  }

  primitive(name: PrimitiveName): number {
    return this.#add([], { Primitive: name });
  }

  sequence(type: number): number {
    return this.#add([], { Sequence: { type } });
  }

  array(len: number, type: number): number {
    return this.#add([], { Array: { len, type } });
  }

  tuple(types: number[]): number {
    return this.#add([], { Tuple: types });
  }

  compact(type: number): number {
    return this.#add([], { Compact: { type } });
  }

  composite(path: string, fields: readonly FieldSpec[], params: Record<string, number | null> = {}): number {
    return this.#add(
      path ? path.split('::') : [],
      { Composite: { fields: fields.map(toField) } },
      toParams(params),
    );
  }

  variant(
    path: string,
    variants: readonly VariantSpec[],
    params: Record<string, number | null> = {},
  ): number {
    return this.#add(
      path.split('::'),
      {
        Variant: {
          variants: variants.map((v) => ({
            name: v.name,
            index: v.index,
            fields: (v.fields ?? []).map(toField),
            docs: [],
          })),
        },
      },
      toParams(params),
    );
  }

  /** A fieldless enum whose variant indices are the names' positions (error enums). */
  unitVariants(path: string, names: readonly string[], params: Record<string, number | null> = {}): number {
    return this.variant(
      path,
      names.map((name, index) => ({ name, index })),
      params,
    );
  }

  /** `Option<T>` as rustc emits it: a variant with params. */
  option(type: number): number {
    return this.variant(
      'Option',
      [
        { name: 'None', index: 0 },
        { name: 'Some', index: 1, fields: [[null, type]] },
      ],
      { T: type },
    );
  }

  result(ok: number, err: number): number {
    return this.variant(
      'Result',
      [
        { name: 'Ok', index: 0, fields: [[null, ok]] },
        { name: 'Err', index: 1, fields: [[null, err]] },
      ],
      { T: ok, E: err },
    );
  }

  /** A reservation for recursive types (RuntimeCall contains Sudo's call, which contains RuntimeCall). */
  reserve(): number {
    const id = this.types.length;
    this.types.push({ id, type: { path: [], params: [], def: { Tuple: [] }, docs: [] } });
    return id;
  }

  fillVariant(id: number, path: string, variants: readonly VariantSpec[]): void {
    const entry = this.types[id];
    if (!entry) throw new Error(`no reserved type ${id}`);
    entry.type.path = path.split('::');
    entry.type.def = {
      Variant: {
        variants: variants.map((v) => ({
          name: v.name,
          index: v.index,
          fields: (v.fields ?? []).map(toField),
          docs: [],
        })),
      },
    };
  }
}

function toField([name, type, typeName]: FieldSpec): FieldJson {
  return { name, type, typeName: typeName ?? null, docs: [] };
}

function toParams(params: Record<string, number | null>): { name: string; type: number | null }[] {
  return Object.entries(params).map(([name, type]) => ({ name, type }));
}
