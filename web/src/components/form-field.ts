/**
 * A named control of a submitted form. Typed as an input: `.value` is what selects and inputs share, and
 * `.checked` is read only from checkboxes.
 */
export const formField = (form: HTMLFormElement, name: string) => form.elements.namedItem(name) as HTMLInputElement;
