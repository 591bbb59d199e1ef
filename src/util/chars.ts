/** Character classes on UTF-16 codes, for the loops that read text one code at a time. */

export const isDigitCode = (c: number): boolean => c >= 48 && c <= 57;

/** `/\w/` without the `u` flag: ASCII letters, digits and underscore. */
export const isWordCode = (c: number): boolean => isDigitCode(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
