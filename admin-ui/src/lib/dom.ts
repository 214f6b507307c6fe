/** The element with this id, of the expected class; a missing one is a bug in the page's HTML. */
export function element<T extends HTMLElement>(id: string, type: new () => T): T {
  const found = document.getElementById(id);
  if (!(found instanceof type)) throw new Error(`page element #${id} is missing or not a ${type.name}`);
  return found;
}
