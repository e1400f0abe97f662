/** Step Functions refuses state input or output over 256 KB, so a recipe document must stay well under it. */
export const MAX_DOCUMENT_BYTES = 200 * 1024;
