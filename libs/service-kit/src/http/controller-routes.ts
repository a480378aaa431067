import { RequestMethod, type Type } from '@nestjs/common';

/**
 * `METHOD /path` of every route the controllers declare with Nest's route decorators, each path
 * parameter written `{}`: what an OpenAPI document of the service must list (its tests compare
 * the two, with the document's `{name}` parameters written `{}` too: `openApiRoute`).
 */
export function controllerRoutes(controllers: readonly Type<unknown>[]): string[] {
  return controllers.flatMap((controller) => {
    const base = String(Reflect.getMetadata('path', controller) ?? '');
    const prototype = controller.prototype as Record<string, unknown>;
    return Object.getOwnPropertyNames(prototype).flatMap((name) => {
      const handler = name === 'constructor' ? undefined : prototype[name];
      if (typeof handler !== 'function') return [];
      const path: unknown = Reflect.getMetadata('path', handler);
      if (path === undefined) return [];
      const method = RequestMethod[Reflect.getMetadata('method', handler) as number];
      return [
        `${method} ${`/${base}/${String(path)}`
          .replace(/\/+/g, '/')
          .replace(/\/$/, '')
          .replace(/:[A-Za-z]+/g, '{}')}`,
      ];
    });
  });
}

/** A route of an OpenAPI document as `controllerRoutes` writes it: `GET /v1/files/{}`. */
export function openApiRoute(method: string, path: string): string {
  return `${method.toUpperCase()} ${path.replace(/\{[^}]+\}/g, '{}')}`;
}
