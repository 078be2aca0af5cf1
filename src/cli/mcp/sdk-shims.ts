// What `vlt mcp`'s bundle gives the MCP SDK in place of its Node shims
// (`@modelcontextprotocol/server/_shims`, aliased in scripts/build.mjs): the same `process`, and a
// JSON Schema validator that refuses everything. The SDK validates with it only a client's answers
// to elicitation, which `vlt mcp` never asks for; its own (AJV) would add a third of the SDK's
// code to parse at every start (docs/mcp.md, the start-up budget).
import process from 'node:process';

type Result = { valid: false; data: undefined; errorMessage: string };

export class DefaultJsonSchemaValidator {
  getValidator(): (input: unknown) => Result {
    return () => ({ valid: false, data: undefined, errorMessage: 'vlt mcp validates no JSON Schema input' });
  }
}

export { process };
