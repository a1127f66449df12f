-- Replaces a feature hash, unless Redis already holds the same or a newer version.
-- KEYS[1]  the feature hash
-- ARGV[1]  version, ARGV[2] as-of event time (ms), ARGV[3] TTL in ms (0 = none)
-- ARGV[4..] field, value, field, value, ...
-- Returns 1 when applied, 0 when skipped as stale.

-- Versions are compared as decimal strings because Lua numbers are doubles and round longs
-- above 2^53. Both sides are canonical non-negative integers, so the longer one is larger.
local function newer(candidate, stored)
  if #candidate ~= #stored then return #candidate > #stored end
  return candidate > stored
end

local stored = redis.call('HGET', KEYS[1], 'v')
if stored and not newer(ARGV[1], stored) then return 0 end

redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'v', ARGV[1], 'ts', ARGV[2])
-- unpack in slices: Lua's C stack takes only about 8000 values at once
for i = 4, #ARGV, 1000 do
  redis.call('HSET', KEYS[1], unpack(ARGV, i, math.min(i + 999, #ARGV)))
end
if tonumber(ARGV[3]) > 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
end
return 1
