import type { Action } from '../../auth/permissions';
import type { ApiRegistry, Access, RouteInput } from '../api';

type DtoClass<T> = new () => T;

export interface CrudSpec<LP extends object, IP extends object, C extends object, U extends object> {
  /** e.g. 'Session': operationIds become listSessions, getSession, createSession, updateSession, deleteSession. */
  name: string;
  plural: string;
  tag: string;
  listPath: string;
  itemPath: string;
  listParams?: DtoClass<LP>;
  itemParams: DtoClass<IP>;
  create: DtoClass<C>;
  update: DtoClass<U>;
  read: Access;
  write: Action;
  /** Who may create one, when not whoever may `write`. */
  createAccess?: Access;
  list: (input: RouteInput<LP, object, object>) => Promise<unknown>;
  get: (input: RouteInput<IP, object, object>) => Promise<unknown>;
  add: (input: RouteInput<LP, object, C>) => Promise<unknown>;
  change: (input: RouteInput<IP, object, U>) => Promise<unknown>;
  remove: (input: RouteInput<IP, object, object>) => Promise<void>;
}

/** The five routes of a resource the agenda edits: list, read, create, update, delete. */
export function registerCrud<LP extends object, IP extends object, C extends object, U extends object>(
  api: ApiRegistry,
  spec: CrudSpec<LP, IP, C, U>,
): void {
  const lower = spec.name.charAt(0).toLowerCase() + spec.name.slice(1);
  const { tag } = spec;
  api.add({
    method: 'get',
    path: spec.listPath,
    operationId: `list${spec.plural}`,
    summary: `List ${spec.plural.toLowerCase()}`,
    tag,
    access: spec.read,
    params: spec.listParams,
    handler: spec.list,
  });
  api.add({
    method: 'post',
    path: spec.listPath,
    operationId: `create${spec.name}`,
    summary: `Create a ${lower}`,
    tag,
    access: spec.createAccess ?? spec.write,
    params: spec.listParams,
    body: spec.create,
    status: 201,
    handler: spec.add,
  });
  api.add({
    method: 'get',
    path: spec.itemPath,
    operationId: `get${spec.name}`,
    summary: `Read a ${lower}`,
    tag,
    access: spec.read,
    params: spec.itemParams,
    handler: spec.get,
  });
  api.add({
    method: 'patch',
    path: spec.itemPath,
    operationId: `update${spec.name}`,
    summary: `Update a ${lower}`,
    tag,
    access: spec.write,
    params: spec.itemParams,
    body: spec.update,
    handler: spec.change,
  });
  api.add({
    method: 'delete',
    path: spec.itemPath,
    operationId: `delete${spec.name}`,
    summary: `Delete a ${lower}`,
    tag,
    access: spec.write,
    params: spec.itemParams,
    status: 204,
    handler: spec.remove,
  });
}
