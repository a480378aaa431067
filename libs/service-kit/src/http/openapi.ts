import { z } from 'zod';

/** One operation of a service's HTTP API, described by the zod schemas its controller parses with. */
export interface ApiOperation {
  /** Unique in the document: `createAgent`, `getOverviewReport` (client generators name methods after it). */
  operationId: string;
  method: 'get' | 'post' | 'put' | 'delete' | 'patch';
  /** OpenAPI path, `{name}` for parameters: `/v1/organizations/{organization_id}/sla_policies`. */
  path: string;
  summary: string;
  description?: string;
  tags?: string[];
  /** Query parameters: a z.object whose fields are the parameters. */
  query?: z.ZodObject;
  body?: z.ZodType;
  /** Success status → schema (a string for a non-JSON body: `text/csv`). */
  responses: Record<
    number,
    {
      description: string;
      schema?: z.ZodType;
      contentType?: string;
      /** The same answer in other media types (a report's `text/csv` export), chosen by `Accept` or a query parameter. */
      alternatives?: { contentType: string; schema?: z.ZodType }[];
    }
  >;
  /** Whether `Authorization: Bearer` is required (default true). */
  authenticated?: boolean;
}

export interface OpenApiInfo {
  title: string;
  version: string;
  description?: string;
}

export interface OpenApiOptions {
  /** Where the API answers (`http://localhost:8085`); the document's `servers`. */
  servers?: { url: string; description?: string }[];
  /**
   * Schemas that get a name: where an operation's body or response is one of them (the same
   * zod object), the document refers to `#/components/schemas/<name>` instead of repeating it.
   */
  schemas?: Record<string, z.ZodType>;
}

const ErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), reason: z.string().optional() }),
});

/**
 * An OpenAPI 3.1 document from the operations' zod schemas (zod 4's `z.toJSONSchema`, whose
 * draft 2020-12 output OpenAPI 3.1 takes as is), so the document cannot drift from what the
 * controllers accept and answer. Every operation also lists the `{error}` answers of a refusal.
 */
export function buildOpenApiDocument(
  info: OpenApiInfo,
  operations: readonly ApiOperation[],
  options: OpenApiOptions = {},
): Record<string, unknown> {
  const names = new Map<z.ZodType, string>(
    Object.entries({ Error: ErrorBody, ...options.schemas }).map(([name, schema]) => [schema, name]),
  );
  const components: Record<string, Record<string, unknown>> = {};
  /** A named schema's reference (its JSON schema stored once), or the schema inline. */
  const schemaOf = (schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> => {
    const name = names.get(schema);
    if (name === undefined) return jsonSchema(schema, io);
    components[name] ??= jsonSchema(schema, io);
    return { $ref: `#/components/schemas/${name}` };
  };
  const operationIds = new Set<string>();
  const paths: Record<string, Record<string, unknown>> = {};
  for (const operation of operations) {
    if (operationIds.has(operation.operationId))
      throw new Error(`OpenAPI: operationId ${operation.operationId} is used twice`);
    operationIds.add(operation.operationId);
    const parameters = [
      ...[...operation.path.matchAll(/\{([a-z_]+)\}/g)].map((match) => ({
        name: match[1],
        in: 'path',
        required: true,
        schema: { type: 'string' },
      })),
      ...Object.entries(operation.query?.shape ?? {}).map(([name, schema]) => {
        const json = jsonSchema(schema as z.ZodType, 'input');
        return {
          name,
          in: 'query',
          required: !(schema as z.ZodType).safeParse(undefined).success,
          ...(typeof json.description === 'string' ? { description: json.description } : {}),
          schema: json,
        };
      }),
    ];
    const responses: Record<string, unknown> = {};
    for (const [status, response] of Object.entries(operation.responses)) {
      const content: Record<string, { schema: Record<string, unknown> }> = {};
      const media = (schema: z.ZodType | undefined) => ({
        schema: schema ? schemaOf(schema, 'output') : { type: 'string' },
      });
      if (response.schema || response.contentType)
        content[response.contentType ?? 'application/json'] = media(response.schema);
      for (const alternative of response.alternatives ?? [])
        content[alternative.contentType] = media(alternative.schema);
      responses[status] = {
        description: response.description,
        ...(Object.keys(content).length > 0 ? { content } : {}),
      };
    }
    const refusals: Record<string, string> = {
      '400':
        'validation: the request does not match the schema (the message names each field); every string refuses NUL (U+0000) and unpaired UTF-16 surrogates',
      ...(operation.authenticated === false
        ? {}
        : {
            '401':
              'authentication: no token, one that does not verify, or one whose agent is disabled or no longer exists (reason agent_revoked)',
            '403': 'authorization: the caller may not do this',
          }),
      '404': 'not_found: no such resource in this organization',
    };
    for (const [status, description] of Object.entries(refusals)) {
      responses[status] ??= { description, content: { 'application/json': { schema: schemaOf(ErrorBody, 'output') } } };
    }
    (paths[operation.path] ??= {})[operation.method] = {
      operationId: operation.operationId,
      summary: operation.summary,
      ...(operation.description ? { description: operation.description } : {}),
      ...(operation.tags ? { tags: operation.tags } : {}),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(operation.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: schemaOf(operation.body, 'input') } },
            },
          }
        : {}),
      responses,
      ...(operation.authenticated === false ? { security: [] } : {}),
    };
  }
  return {
    openapi: '3.1.0',
    info,
    ...(options.servers ? { servers: options.servers } : {}),
    paths,
    components: {
      schemas: Object.fromEntries(Object.entries(components).sort(([a], [b]) => a.localeCompare(b))),
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'A livedesk agent token, or the installation admin token',
        },
      },
    },
    security: [{ bearer: [] }],
  };
}

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return rest;
}

/** The `$ref`s of an OpenAPI document that name no schema of its `components.schemas` (none, when it is whole). */
export function unresolvedRefs(document: Record<string, unknown>): string[] {
  const schemas = ((document.components as { schemas?: Record<string, unknown> } | undefined)?.schemas ?? {}) as Record<
    string,
    unknown
  >;
  const found: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) for (const item of node) visit(item);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === '$ref' && typeof value === 'string') found.push(value);
        else visit(value);
      }
    }
  };
  visit(document);
  return found.filter(
    (ref) => !(ref.startsWith('#/components/schemas/') && ref.slice('#/components/schemas/'.length) in schemas),
  );
}
