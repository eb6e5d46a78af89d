--! keys: queue, done
--! min_version: 7.4
--! allow: blocking_command
-- The script runs on 7.4 only, where `BLMOVE` runs as `LMOVE`: allowed, and the
-- `blocking_command` warning is switched off on purpose.
return redis.call('BLMOVE', KEYS[1], KEYS[2], 'LEFT', 'RIGHT', 5)
