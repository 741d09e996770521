-- Apply one camera batch atomically and idempotently.
-- KEYS: 1 stream state hash, 2 stream pending zset, 3 gaps list, 4 occupancy hash,
--       5 occupancy day string, 6 corrections list, 7 correction counts hash, 8 camera streams hash,
--       9 stats hash, 10 quarantine list, 11 camera token hash, then per event i: minute-bucket hash, hour-bucket hash.
-- ARGV: 1 area, 2 current business day, 3 now (epoch s), 4 minute ttl, 5 hour ttl, 6 stream ttl,
--       7 event count, 8 camera id, 9 stream id,
--       10 plausible people per event, 11 plausible people per minute in this area, 12 plausible occupancy
--       (0 = no limit), 13 SHA-256 of the camera's bearer token ('' for the server's own calls),
--       then per event: seq, in, out, minute (MM), hour (HH), affects occupancy (1/0), time
-- With a token digest, the batch applies only if it is the camera's registered one; otherwise {-1} and nothing
-- is written. Checking the token here saves the request a round trip, and a token revoked between a check and
-- the write cannot slip a batch in. (The comparison is of digests: timing reveals nothing about the token.)
-- An implausible event is quarantined: its seq counts as received (the camera does not resend it), its counts
-- go to the quarantine list instead of the buckets and the occupancy.
if ARGV[13] ~= '' and redis.call('HGET', KEYS[11], ARGV[8]) ~= ARGV[13] then return {-1} end

local area = ARGV[1]
local today = ARGV[2]
local now = ARGV[3]
local n = tonumber(ARGV[7])
local per_event, per_minute, occ_limit = tonumber(ARGV[10]), tonumber(ARGV[11]), tonumber(ARGV[12])

-- cjson writes numbers with 14 significant digits, and sequence numbers reach 2^53: write those as integers.
local function int(x) return string.format('%d', x) end
local function gap_json(from, to, extra)
  return '{"from":' .. int(from) .. ',"to":' .. int(to) .. ',"detected":' .. now .. (extra or '') .. '}'
end

-- Daily reset at opening time: every non-zero occupancy becomes 0 and the change is recorded.
if redis.call('GET', KEYS[5]) ~= today then
  local all = redis.call('HGETALL', KEYS[4])
  for i = 1, #all, 2 do
    local v = tonumber(all[i + 1])
    if v ~= 0 then
      redis.call('LPUSH', KEYS[6], cjson.encode({area = all[i], before = v, after = 0, reason = 'daily-reset', ts = tonumber(now)}))
      redis.call('HINCRBY', KEYS[7], all[i], 1)
    end
  end
  redis.call('DEL', KEYS[4])
  redis.call('SET', KEYS[5], today)
end

if n == 0 then return {0, 0, 0, 0, 0, 0, 0, 0} end

local hw = tonumber(redis.call('HGET', KEYS[1], 'hw') or '0')
local maxseq = tonumber(redis.call('HGET', KEYS[1], 'max') or '0')
local applied, dups, ins, outs = 0, 0, 0, 0
local occ = tonumber(redis.call('HGET', KEYS[4], area) or '0')
local clamps, quarantined = 0, 0

for i = 0, n - 1 do
  local b = 14 + i * 7
  local seq = tonumber(ARGV[b])
  if seq <= hw or redis.call('ZSCORE', KEYS[2], seq) then
    dups = dups + 1
  else
    if seq > maxseq + 1 then
      redis.call('LPUSH', KEYS[3], gap_json(maxseq + 1, seq - 1))
      redis.call('LTRIM', KEYS[3], 0, 999)
    end
    if seq > maxseq then maxseq = seq end
    redis.call('ZADD', KEYS[2], seq, seq)
    local cin, cout = tonumber(ARGV[b + 1]), tonumber(ARGV[b + 2])
    local mk, hk = KEYS[12 + i * 2], KEYS[13 + i * 2]
    local reason = nil
    if cin > per_event or cout > per_event then
      reason = 'people-per-event'
    elseif tonumber(redis.call('HGET', mk, 'i' .. ARGV[b + 3]) or '0') + cin > per_minute
        or tonumber(redis.call('HGET', mk, 'o' .. ARGV[b + 3]) or '0') + cout > per_minute then
      reason = 'people-per-minute'
    elseif ARGV[b + 5] == '1' and occ_limit > 0 and occ + cin - cout > occ_limit then
      reason = 'occupancy'
    end
    if reason then
      local rec = cjson.encode({camera = ARGV[8], stream = ARGV[9], area = area, time = tonumber(ARGV[b + 6]),
        ['in'] = cin, out = cout, reason = reason, ts = tonumber(now)})
      redis.call('LPUSH', KEYS[10], '{"seq":' .. int(seq) .. ',' .. string.sub(rec, 2))
      quarantined = quarantined + 1
    else
      if cin > 0 then
        redis.call('HINCRBY', mk, 'i' .. ARGV[b + 3], cin)
        redis.call('HINCRBY', hk, 'i' .. ARGV[b + 4], cin)
      end
      if cout > 0 then
        redis.call('HINCRBY', mk, 'o' .. ARGV[b + 3], cout)
        redis.call('HINCRBY', hk, 'o' .. ARGV[b + 4], cout)
      end
      redis.call('EXPIRE', mk, ARGV[4])
      redis.call('EXPIRE', hk, ARGV[5])
      if ARGV[b + 5] == '1' then
        occ = occ + cin - cout
        if occ < 0 then
          redis.call('LPUSH', KEYS[6], cjson.encode({area = area, before = occ, after = 0, reason = 'negative-clamp', ts = tonumber(now), seq = seq}))
          redis.call('HINCRBY', KEYS[7], area, 1)
          clamps = clamps + 1
          occ = 0
        end
      end
      applied = applied + 1
      ins = ins + cin
      outs = outs + cout
    end
  end
end
if quarantined > 0 then
  redis.call('LTRIM', KEYS[10], 0, 999)
  redis.call('HINCRBY', KEYS[1], 'quarantined', quarantined)
  redis.call('HINCRBY', KEYS[9], 'events_quarantined', quarantined)
end
redis.call('LTRIM', KEYS[6], 0, 4999)
redis.call('HSET', KEYS[4], area, occ)

-- Advance the contiguous high-water mark; only out-of-order seqs stay in the pending set.
local function advance(mark)
  while true do
    local nxt = redis.call('ZRANGE', KEYS[2], 0, 0)
    if #nxt == 0 or tonumber(nxt[1]) ~= mark + 1 then return mark end
    mark = mark + 1
    redis.call('ZREMRANGEBYRANK', KEYS[2], 0, 0)
  end
end
hw = advance(hw)
-- A pending set this large means a gap that will never fill: give up on it (it stays in the gap log).
if redis.call('ZCARD', KEYS[2]) > 10000 then
  local first = tonumber(redis.call('ZRANGE', KEYS[2], 0, 0)[1])
  redis.call('LPUSH', KEYS[3], gap_json(hw + 1, first - 1, ',"abandoned":true'))
  hw = advance(first - 1)
end
redis.call('HSET', KEYS[1], 'hw', hw, 'max', maxseq, 'last', now)
redis.call('HINCRBY', KEYS[1], 'applied', applied)
redis.call('HINCRBY', KEYS[1], 'duplicates', dups)
redis.call('EXPIRE', KEYS[1], ARGV[6])
redis.call('EXPIRE', KEYS[2], ARGV[6])
redis.call('HSET', KEYS[8], ARGV[8], ARGV[9])
redis.call('HINCRBY', KEYS[9], 'events_applied', applied)
redis.call('HINCRBY', KEYS[9], 'events_duplicate', dups)
-- Open gaps (first 20 pending seqs) so the caller needs no second round trip.
local pending = {}
if maxseq > hw then pending = redis.call('ZRANGE', KEYS[2], 0, 19) end
return {applied, dups, occ, hw, maxseq, clamps, ins, outs, pending, quarantined}
