-- Replaces a ranked list and its meta hash, unless Redis already holds the same or a newer version.
-- KEYS[1]  the list of item ids, KEYS[2] its meta hash (which holds the version)
-- ARGV[1]  version, ARGV[2] as-of event time (ms), ARGV[3] TTL in ms (0 = none)
-- ARGV[4]  scores as a JSON array, ARGV[5] reasons as a JSON array
-- ARGV[6]  a user's list: the user's latest excluded items as a JSON array; "" for other lists (no field)
-- ARGV[7]  a user's list: how a read-time refresh orders it ("slots" or "fill_first"); "" for others
-- ARGV[8]  a user's list: the user's latest items (co-visitation seeds) as a JSON array; "" for others
-- ARGV[9..] item ids, best first
-- Returns 1 when applied, 0 when skipped as stale.

-- Versions are compared as decimal strings because Lua numbers are doubles and round longs
-- above 2^53. Both sides are canonical non-negative integers, so the longer one is larger.
local function newer(candidate, stored)
  if #candidate ~= #stored then return #candidate > #stored end
  return candidate > stored
end

local stored = redis.call('HGET', KEYS[2], 'v')
if stored and not newer(ARGV[1], stored) then return 0 end

redis.call('DEL', KEYS[1], KEYS[2])
-- unpack in slices: Lua's C stack takes only about 8000 values at once.
-- No items leaves the list key absent; the meta hash still records the version.
for i = 9, #ARGV, 1000 do
  redis.call('RPUSH', KEYS[1], unpack(ARGV, i, math.min(i + 999, #ARGV)))
end
local meta = {'v', ARGV[1], 'ts', ARGV[2], 'scores', ARGV[4], 'reasons', ARGV[5]}
local optional = {'exclude', 'stale_order', 'seeds'}
for i = 1, 3 do
  if ARGV[5 + i] ~= '' then
    meta[#meta + 1] = optional[i]
    meta[#meta + 1] = ARGV[5 + i]
  end
end
redis.call('HSET', KEYS[2], unpack(meta))
if tonumber(ARGV[3]) > 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  redis.call('PEXPIRE', KEYS[2], ARGV[3])
end
return 1
