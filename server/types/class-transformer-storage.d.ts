// class-transformer ships this module's JavaScript under cjs/ and its types under types/; the
// OpenAPI generator needs its metadata storage to follow @Type() to nested DTOs.
declare module 'class-transformer/cjs/storage' {
  export { defaultMetadataStorage } from 'class-transformer/types/storage';
}
