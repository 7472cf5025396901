"""The `openai` provider: the four AI steps against the OpenAI API or any compatible server
(Ollama, vLLM, LM Studio).

- `client`: the SDK client with our retries, the response cache, the budget gate and accounting
- `transcriber`, `shot_analyser`, `director`, `voice`: one class per protocol of `providers.base`
"""
