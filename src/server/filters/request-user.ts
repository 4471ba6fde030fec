/** The authenticated user of a request, kept beside it for the handlers that need it (admission). */
import type { UserInfo } from '../../auth/user.js';
import type { Request } from '../http.js';

const users = new WeakMap<Request, UserInfo>();

export function setRequestUser(req: Request, user: UserInfo): void {
  users.set(req, user);
}

export function requestUser(req: Request): UserInfo | undefined {
  return users.get(req);
}
