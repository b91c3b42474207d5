/**
 * Rust's legacy symbol escapes as perf prints them (`GcBox$LT$T$GT$::new::h2d4f…`) made readable
 * (`GcBox<T>::new`), as inferno does. Applies only to names ending in the legacy `::h<16 hex>` hash.
 */
const LEGACY_HASH = /::h[0-9a-f]{16}$/;
const ESCAPES: Record<string, string> = {
  SP: '@',
  BP: '*',
  RF: '&',
  LT: '<',
  GT: '>',
  LP: '(',
  RP: ')',
  C: ',',
};

export function demangleRustLegacy(name: string): string {
  if (!LEGACY_HASH.test(name)) {
    return name;
  }
  let s = name.replace(LEGACY_HASH, '');
  if (s.startsWith('_$')) {
    s = s.slice(1);
  }
  return s
    .replace(/\$(SP|BP|RF|LT|GT|LP|RP|C|u[0-9a-f]{2,6})\$/g, (_m, code: string) =>
      code.startsWith('u') ? String.fromCodePoint(parseInt(code.slice(1), 16)) : ESCAPES[code]
    )
    .replace(/\.\./g, '::');
}
