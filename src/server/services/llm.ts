// An OpenAI-compatible chat endpoint (VLT_LLM_BASE_URL, VLT_LLM_API_KEY, VLT_LLM_MODEL; see env.ts).
export interface LlmConfig {
  baseUrl: string;
  apiKey: string | undefined;
  model: string;
  timeoutMs: number;
}

export class LlmError extends Error {}

/** Sends the chat request; a network failure or a timeout becomes an LlmError. */
async function send(config: LlmConfig, system: string, user: string, stream: boolean): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(`${config.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(config.apiKey ? { authorization: `Bearer ${config.apiKey}` } : {}),
      },
      body: JSON.stringify({
        model: config.model,
        messages: [
          { role: 'system', content: system },
          { role: 'user', content: user },
        ],
        temperature: 0,
        stream,
      }),
      signal: AbortSignal.timeout(config.timeoutMs),
    });
  } catch (error) {
    throw new LlmError(describe(error, config));
  }
  if (!response.ok || (stream && !response.body))
    throw new LlmError(`the LLM answered HTTP ${response.status}`);
  return response;
}

export async function complete(config: LlmConfig, system: string, user: string): Promise<string> {
  const response = await send(config, system, user, false);
  const body = (await response.json().catch(() => null)) as {
    choices?: { message?: { content?: string } }[];
  } | null;
  const text = body?.choices?.[0]?.message?.content;
  if (typeof text !== 'string' || text.trim() === '') throw new LlmError('the LLM returned no answer');
  return text;
}

/** Streams the answer's text as it is produced (server-sent events of chat.completion.chunk). */
export async function* completeStream(
  config: LlmConfig,
  system: string,
  user: string,
): AsyncGenerator<string> {
  const response = await send(config, system, user, true);
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline).trim();
        buffer = buffer.slice(newline + 1);
        if (!line.startsWith('data:')) continue;
        const data = line.slice(5).trim();
        if (data === '[DONE]') return;
        const parsed = JSON.parse(data) as { choices?: { delta?: { content?: string } }[] };
        const text = parsed.choices?.[0]?.delta?.content;
        if (text) yield text;
      }
    }
  } catch (error) {
    throw new LlmError(describe(error, config));
  }
}

function describe(error: unknown, config: LlmConfig): string {
  const name = (error as { name?: string }).name;
  if (name === 'TimeoutError' || name === 'AbortError')
    return `the LLM did not answer within ${config.timeoutMs} ms`;
  return `the LLM could not be reached (${(error as Error).message})`;
}
