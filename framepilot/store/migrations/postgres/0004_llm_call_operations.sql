-- One name per AI step for both providers (framepilot.models.Operation), so the Costs page
-- groups a step once. Before this, the local provider wrote 'direct:<mode>' and 'tts' where
-- the openai provider wrote 'direct.<mode>' and 'synthesise'.
UPDATE llm_calls SET operation = 'direct.scene_director' WHERE operation = 'direct:scene_director';
UPDATE llm_calls SET operation = 'direct.script_rewrite' WHERE operation = 'direct:script_rewrite';
UPDATE llm_calls SET operation = 'direct.full_rewrite' WHERE operation = 'direct:full_rewrite';
UPDATE llm_calls SET operation = 'synthesise' WHERE operation = 'tts';

-- A repair call (the openai director's second try after an unreadable reply) is part of its
-- step; the repair prompt's version now marks it, as the provider records it from here on.
UPDATE llm_calls SET operation = 'direct.scene_director', prompt_version = coalesce(prompt_version, '') || '+repair-1'
WHERE operation = 'direct.scene_director.repair';
UPDATE llm_calls SET operation = 'direct.script_rewrite', prompt_version = coalesce(prompt_version, '') || '+repair-1'
WHERE operation = 'direct.script_rewrite.repair';
UPDATE llm_calls SET operation = 'direct.full_rewrite', prompt_version = coalesce(prompt_version, '') || '+repair-1'
WHERE operation = 'direct.full_rewrite.repair';
