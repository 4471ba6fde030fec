/**
 * The background controllers of one space (or one role within it), stopped together. A
 * controller added after the group was stopped is stopped at once: starting is asynchronous, and
 * a space can be unserved, or leadership lost, while its controllers are still starting.
 */
export interface Stoppable {
  stop(): void;
}

export class ControllerGroup {
  readonly #members: Stoppable[] = [];
  #stopped = false;

  get stopped(): boolean {
    return this.#stopped;
  }

  add<T extends Stoppable>(controller: T): T {
    if (this.#stopped) controller.stop();
    else this.#members.push(controller);
    return controller;
  }

  stop(): void {
    this.#stopped = true;
    for (const c of this.#members.splice(0)) c.stop();
  }
}
