/**
 * The construct's rules read recipe documents through small interfaces of the fields they need (`LaunchFields`,
 * `DistributionFields`, ...), so that `src/` does not depend on the schema library. `KnownFields` lets a type check
 * hold those interfaces to the schema's document type: see `lambda/shared/recipe-field-subsets.ts`.
 */

/** Every key of any member of a union (`keyof` of a union gives only the keys all members share). */
type KeysOfAny<T> = T extends unknown ? keyof T : never;

/** The type of `Key` in whichever members of a union have it. */
type FieldOfAny<T, Key> = T extends unknown ? (Key extends keyof T ? T[Key] : never) : never;

/** The item type of an array type (or `never`). */
type ItemOf<T> = NonNullable<T> extends readonly (infer Item)[] ? Item : never;

/**
 * `Subset` with every field that `Full` does not have turned into `never`, at any depth: a `Subset` value is
 * assignable to it only while the subset names no field missing from `Full`, so renaming or removing a field of
 * the schema fails to compile wherever a subset still reads the old name. Index signatures (`[kind: string]`,
 * tag maps) name no field and are left as they are.
 */
export type KnownFields<Subset, Full> =
  Subset extends readonly (infer Item)[] ? readonly KnownFields<Item, ItemOf<Full>>[] :
    Subset extends object ? { [Key in keyof Subset]: KnownField<Subset, Full, Key> } : Subset;

/** One field of `KnownFields`. */
type KnownField<Subset, Full, Key extends keyof Subset> =
  string extends Key ? Subset[Key] :
    Key extends KeysOfAny<NonNullable<Full>> ? KnownFields<Subset[Key], FieldOfAny<NonNullable<Full>, Key>> : never;
