export type Kind = 'string' | 'int' | 'bool';

/** A setting's environment variable, how it is read, what it allows and what it does (the README table mirrors it). */
export interface Setting {
  env: string;
  kind: Kind;
  allowed: string;
  doc: string;
  secret?: boolean;
}
