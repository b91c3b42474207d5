;; The frame-line cache's hot path in WebAssembly (see wasm-frame-line-cache.ts, which owns the memory layout, and
;; frame-line-cache.ts, the same cache in JavaScript, whose way this follows). Built by `npm run build:wasm` into
;; line-match-wasm.ts (a test checks the two agree).
;;
;; On a dense profile what a line costs is memory latency more than compares (16 bytes a step here): the kept lines
;; (~12 MiB) live in L3 or DRAM, behind a VM's nested page tables. So each kept line is one record — its successors,
;; value and bytes together — and lines first seen together lie together: following a stack from one line to the
;; next usually stays on the same page. (Measured and dropped: batches that hash every line and load all their table
;; slots first, so the misses overlap, ran 1.6× slower than following successors; a random table probe per line
;; costs more than the compares it saves.)
;;
;; Memory (addresses are bytes in the one imported memory; the layout is passed to init):
;;   0..12     run's results: the position after the last matched line, the id of that line, and the OR of the
;;             values it matched (negative: a Java chain's value is among them)
;;   out       the values of the lines a run matched, int32 each
;;   table     open addressing, (hash, id) int32 pairs, -1 = empty
;;   arena     the kept lines, one record each, 8-aligned: length, value, 3 successor ids (-1: none; most recent
;;             first), 4 spare bytes, then the line's bytes. A line's id is its record's address (so every id is
;;             positive). A compare may read up to 15 bytes past a line: slack follows.
;;   keyTable  open addressing, (hash, record address) int32 pairs, -1 = empty: a frame's key → its record
;;   keys      one 24-byte record per key: the symbol's address and length, the DSO's address and length (both in
;;             the kept line that brought the key), the value, the hash
;;   input     the chunk being parsed (slack follows it too)
;;
;; A line the cache has never seen is mostly a known frame at a new instruction (`ffffffff81149b3c intel_idle+0x4c
;; ([kernel.kallsyms])` after `...b39 intel_idle+0x49 ...`). When keys are on, run reads such a line's key — its
;; symbol without the `+0x…` offset, and its DSO — as the parser's frameValue does, and when the key is known (an
;; earlier line brought it, through add) takes its value and keeps the line, without leaving WebAssembly. Only lines
;; in perf's plain layout take this way (hex address, blank, symbol, blank, `(dso)` with no parens inside, a line
;; under 4 KiB); anything else stops the run and goes the parser's full way, which is what decides a key's value.
(module
  (import "env" "memory" (memory 1))

  (global $out (mut i32) (i32.const 0))
  (global $table (mut i32) (i32.const 0))
  (global $mask (mut i32) (i32.const 0))
  (global $size (mut i32) (i32.const 0))
  (global $maxLines (mut i32) (i32.const 0))
  (global $arena (mut i32) (i32.const 0))
  (global $arenaUsed (mut i32) (i32.const 0))
  (global $arenaBytes (mut i32) (i32.const 0))
  (global $end (mut i32) (i32.const 0))
  (global $keysOn (mut i32) (i32.const 0))
  (global $keyTable (mut i32) (i32.const 0))
  (global $keyMask (mut i32) (i32.const 0))
  (global $keys (mut i32) (i32.const 0))
  (global $keyCount (mut i32) (i32.const 0))
  (global $maxKeys (mut i32) (i32.const 0))
  ;; The key parseKey read: symbol and DSO (address, length); findKey's hash and free slot (-1: none to take).
  (global $sym (mut i32) (i32.const 0))
  (global $symLen (mut i32) (i32.const 0))
  (global $dso (mut i32) (i32.const 0))
  (global $dsoLen (mut i32) (i32.const 0))
  (global $keyHash (mut i32) (i32.const 0))
  (global $keySlot (mut i32) (i32.const 0))

  ;; Lines shorter than 32 bytes are never kept (the hash reads bytes 8..32), longer than 4096 neither.
  ;; At most 8 kept lines share a hash: a hash flood costs 8 compares, never a long probe.

  (func (export "init")
    (param $out i32) (param $table i32) (param $maxLines i32) (param $arena i32) (param $arenaBytes i32)
    (param $keyTable i32) (param $keys i32) (param $maxKeys i32) (param $keysOn i32)
    (global.set $keyTable (local.get $keyTable))
    (global.set $keys (local.get $keys))
    (global.set $maxKeys (local.get $maxKeys))
    (global.set $keysOn (local.get $keysOn))
    (global.set $keyCount (i32.const 0))
    (global.set $keyMask (i32.const 2047))
    (memory.fill (local.get $keyTable) (i32.const 0xff) (i32.const 16384))
    (global.set $out (local.get $out))
    (global.set $table (local.get $table))
    (global.set $maxLines (local.get $maxLines))
    (global.set $arena (local.get $arena))
    (global.set $arenaBytes (local.get $arenaBytes))
    (global.set $arenaUsed (i32.const 0))
    (global.set $size (i32.const 0))
    (global.set $mask (i32.const 2047))
    (memory.fill (local.get $table) (i32.const 0xff) (i32.const 16384)))

  (func (export "size") (result i32) (global.get $size))
  (func (export "arenaUsed") (result i32) (global.get $arenaUsed))
  (func (export "tableBytes") (result i32) (i32.shl (i32.add (global.get $mask) (i32.const 1)) (i32.const 3)))
  (func (export "keyCount") (result i32) (global.get $keyCount))
  (func (export "keyBytes") (result i32)
    (i32.add
      (i32.shl (i32.add (global.get $keyMask) (i32.const 1)) (i32.const 3))
      (i32.mul (global.get $keyCount) (i32.const 24))))

  ;; Murmur3's mix of the six little-endian words at s+8..s+32, finalised.
  (func $hash (param $s i32) (result i32)
    (local $h i32) (local $k i32) (local $i i32)
    (local.set $h (i32.const 0x9747b28c))
    (local.set $i (i32.const 8))
    (loop $words
      (local.set $k (i32.mul (i32.load (i32.add (local.get $s) (local.get $i))) (i32.const 0xcc9e2d51)))
      (local.set $k (i32.rotl (local.get $k) (i32.const 15)))
      (local.set $h (i32.xor (local.get $h) (i32.mul (local.get $k) (i32.const 0x1b873593))))
      (local.set $h (i32.rotl (local.get $h) (i32.const 13)))
      (local.set $h (i32.add (i32.mul (local.get $h) (i32.const 5)) (i32.const 0xe6546b64)))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br_if $words (i32.lt_u (local.get $i) (i32.const 32))))
    (local.set $h (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 16))))
    (local.set $h (i32.mul (local.get $h) (i32.const 0x85ebca6b)))
    (local.set $h (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 13))))
    (local.set $h (i32.mul (local.get $h) (i32.const 0xc2b2ae35)))
    (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 16))))

  ;; Whether the len bytes at s equal those at a: 16 at a time, then the rest under a mask.
  (func $same (param $s i32) (param $a i32) (param $len i32) (result i32)
    (local $i i32) (local $r i32)
    (block $tail
      (loop $blocks
        (br_if $tail (i32.gt_u (i32.add (local.get $i) (i32.const 16)) (local.get $len)))
        (if (v128.any_true
              (v128.xor
                (v128.load (i32.add (local.get $s) (local.get $i)))
                (v128.load (i32.add (local.get $a) (local.get $i)))))
          (then (return (i32.const 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $blocks)))
    ;; 0..15 bytes left: a whole word if 8 are, then the rest (0..7 bytes) under a mask.
    (if (i32.le_u (i32.add (local.get $i) (i32.const 8)) (local.get $len))
      (then
        (if (i64.ne
              (i64.load (i32.add (local.get $s) (local.get $i)))
              (i64.load (i32.add (local.get $a) (local.get $i))))
          (then (return (i32.const 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 8)))))
    (local.set $r (i32.sub (local.get $len) (local.get $i)))
    (i64.eqz
      (i64.and
        (i64.xor
          (i64.load (i32.add (local.get $s) (local.get $i)))
          (i64.load (i32.add (local.get $a) (local.get $i))))
        (i64.sub
          (i64.shl (i64.const 1) (i64.extend_i32_u (i32.shl (local.get $r) (i32.const 3))))
          (i64.const 1)))))

  ;; Whether kept line id is the line at s: its bytes, then a newline before the input's end.
  (func $matches (param $s i32) (param $id i32) (result i32)
    (local $nl i32)
    (local.set $nl (i32.add (local.get $s) (i32.load (local.get $id))))
    (if (i32.ge_u (local.get $nl) (global.get $end)) (then (return (i32.const 0))))
    (if (i32.ne (i32.load8_u (local.get $nl)) (i32.const 10)) (then (return (i32.const 0))))
    (call $same (local.get $s) (i32.add (local.get $id) (i32.const 24)) (i32.load (local.get $id))))

  ;; Line next followed line previous: tried first next time (3 successors, most recent first).
  (func $follows (export "follows") (param $previous i32) (param $next i32)
    (i32.store offset=16 (local.get $previous) (i32.load offset=12 (local.get $previous)))
    (i32.store offset=12 (local.get $previous) (i32.load offset=8 (local.get $previous)))
    (i32.store offset=8 (local.get $previous) (local.get $next)))

  ;; The id of the kept line at s (its newline before $end), or -1; previous: the line before (-1: none).
  (func $match (param $s i32) (param $previous i32) (result i32)
    (local $next i32) (local $h i32) (local $slot i32) (local $p i32) (local $id i32) (local $seen i32)
    (if (i32.ge_s (local.get $previous) (i32.const 0))
      (then
        (block $none
          ;; Most recent first; a hit further down moves to the front.
          (local.set $next (i32.load offset=8 (local.get $previous)))
          (br_if $none (i32.lt_s (local.get $next) (i32.const 0)))
          (if (call $matches (local.get $s) (local.get $next)) (then (return (local.get $next))))
          (local.set $next (i32.load offset=12 (local.get $previous)))
          (br_if $none (i32.lt_s (local.get $next) (i32.const 0)))
          (if (call $matches (local.get $s) (local.get $next))
            (then
              (i32.store offset=12 (local.get $previous) (i32.load offset=8 (local.get $previous)))
              (i32.store offset=8 (local.get $previous) (local.get $next))
              (return (local.get $next))))
          (local.set $next (i32.load offset=16 (local.get $previous)))
          (br_if $none (i32.lt_s (local.get $next) (i32.const 0)))
          (if (call $matches (local.get $s) (local.get $next))
            (then
              (call $follows (local.get $previous) (local.get $next))
              (return (local.get $next)))))))
    (if (i32.gt_u (i32.add (local.get $s) (i32.const 32)) (global.get $end)) (then (return (i32.const -1))))
    (local.set $h (call $hash (local.get $s)))
    (local.set $slot (i32.and (local.get $h) (global.get $mask)))
    (loop $probe
      (local.set $p (i32.add (global.get $table) (i32.shl (local.get $slot) (i32.const 3))))
      (local.set $id (i32.load offset=4 (local.get $p)))
      (if (i32.eq (local.get $id) (i32.const -1)) (then (return (i32.const -1))))
      (if (i32.eq (i32.load (local.get $p)) (local.get $h))
        (then
          (if (call $matches (local.get $s) (local.get $id))
            (then
              (if (i32.ge_s (local.get $previous) (i32.const 0))
                (then (call $follows (local.get $previous) (local.get $id))))
              (return (local.get $id))))
          (local.set $seen (i32.add (local.get $seen) (i32.const 1)))
          (if (i32.eq (local.get $seen) (i32.const 8)) (then (return (i32.const -1))))))
      (local.set $slot (i32.and (i32.add (local.get $slot) (i32.const 1)) (global.get $mask)))
      (br $probe))
    (i32.const -1))

  ;; Matches kept lines one after another from pos, the input ending at end, until a line is neither kept nor a
  ;; known key (see the top; a line matched by its key is kept), or cap lines were matched: their values go to out, the position after the last one to address 0, its id to address 4, the
  ;; OR of their values to address 8. Returns how many matched.
  (func (export "run") (param $pos i32) (param $end i32) (param $previous i32) (param $cap i32) (result i32)
    (local $count i32) (local $id i32) (local $value i32) (local $or i32) (local $next i32) (local $record i32)
    (global.set $end (local.get $end))
    (block $done
      (loop $lines
        (br_if $done (i32.ge_u (local.get $count) (local.get $cap)))
        (local.set $id (call $match (local.get $pos) (local.get $previous)))
        (if (i32.ge_s (local.get $id) (i32.const 0))
          (then
            (local.set $value (i32.load offset=4 (local.get $id)))
            (local.set $next (i32.add (local.get $pos) (i32.add (i32.load (local.get $id)) (i32.const 1)))))
          (else
            ;; Not kept: a known frame in a new line, maybe (see the top). Kept now, unless there is no room.
            (local.set $next (call $lineEnd (local.get $pos)))
            (br_if $done (i32.lt_s (local.get $next) (i32.const 0)))
            (local.set $record (call $knownKey (local.get $pos) (local.get $next)))
            (br_if $done (i32.lt_s (local.get $record) (i32.const 0)))
            (local.set $value (i32.load offset=16 (local.get $record)))
            (local.set $id (call $keep (local.get $pos) (i32.sub (local.get $next) (local.get $pos)) (local.get $value)))
            (if (i32.and (i32.ge_s (local.get $previous) (i32.const 0)) (i32.ge_s (local.get $id) (i32.const 0)))
              (then (call $follows (local.get $previous) (local.get $id))))
            (local.set $next (i32.add (local.get $next) (i32.const 1)))))
        (i32.store (i32.add (global.get $out) (i32.shl (local.get $count) (i32.const 2))) (local.get $value))
        (local.set $or (i32.or (local.get $or) (local.get $value)))
        (local.set $count (i32.add (local.get $count) (i32.const 1)))
        (local.set $pos (local.get $next))
        (local.set $previous (local.get $id))
        (br $lines)))
    (i32.store (i32.const 0) (local.get $pos))
    (i32.store (i32.const 4) (local.get $previous))
    (i32.store (i32.const 8) (local.get $or))
    (local.get $count))

  ;; The first newline in [pos, end), or -1: 16 bytes at a time.
  (func $newline (export "newline") (param $pos i32) (param $end i32) (result i32)
    (local $bits i32)
    (block $bytes
      (loop $blocks
        (br_if $bytes (i32.gt_u (i32.add (local.get $pos) (i32.const 16)) (local.get $end)))
        (local.set $bits
          (i8x16.bitmask (i8x16.eq (v128.load (local.get $pos)) (i8x16.splat (i32.const 10)))))
        (if (local.get $bits) (then (return (i32.add (local.get $pos) (i32.ctz (local.get $bits))))))
        (local.set $pos (i32.add (local.get $pos) (i32.const 16)))
        (br $blocks)))
    (block $none
      (loop $tail
        (br_if $none (i32.ge_u (local.get $pos) (local.get $end)))
        (if (i32.eq (i32.load8_u (local.get $pos)) (i32.const 10)) (then (return (local.get $pos))))
        (local.set $pos (i32.add (local.get $pos) (i32.const 1)))
        (br $tail)))
    (i32.const -1))

  ;; Where the next line to keep, of len bytes, is to be copied (in the arena's free end, after its record's head),
  ;; or -1 when it is not to be kept: too short or long, or the arena or table is full.
  (func $reserve (export "reserve") (param $len i32) (result i32)
    (if (i32.or (i32.lt_u (local.get $len) (i32.const 32)) (i32.gt_u (local.get $len) (i32.const 4096)))
      (then (return (i32.const -1))))
    (if (i32.ge_u (global.get $size) (global.get $maxLines)) (then (return (i32.const -1))))
    (if (i32.gt_u
          (i32.add (global.get $arenaUsed) (i32.add (local.get $len) (i32.const 32)))
          (global.get $arenaBytes))
      (then (return (i32.const -1))))
    (i32.add (i32.add (global.get $arena) (global.get $arenaUsed)) (i32.const 24)))

  ;; add, for a line the parser read the full way (its value is what decides its key's): when keys are on and the
  ;; line is in the plain layout, its key is kept too (pointing into the kept line's bytes).
  (func (export "add") (param $len i32) (param $value i32) (result i32)
    (local $id i32)
    (local.set $id (call $add (local.get $len) (local.get $value)))
    (if (i32.and (global.get $keysOn) (i32.ge_s (local.get $id) (i32.const 0)))
      (then
        (if (call $parseKey (i32.add (local.get $id) (i32.const 24)) (i32.add (local.get $id) (i32.add (i32.const 24) (local.get $len))))
          (then
            (if (i32.lt_s (call $findKey) (i32.const 0))
              (then (call $addKey (local.get $value))))))))
    (local.get $id))

  ;; Keeps the len bytes at src (a line of the input) with their value, as reserve and add do: the line's id, or -1.
  (func $keep (param $src i32) (param $len i32) (param $value i32) (result i32)
    (local $at i32)
    (local.set $at (call $reserve (local.get $len)))
    (if (i32.lt_s (local.get $at) (i32.const 0)) (then (return (i32.const -1))))
    (memory.copy (local.get $at) (local.get $src) (local.get $len))
    (call $add (local.get $len) (local.get $value)))

  ;; Keeps the len bytes just copied to where reserve said, with their value, and returns the line's id: a line kept
  ;; before keeps its id; -1 when 8 kept lines already share its hash.
  (func $add (param $len i32) (param $value i32) (result i32)
    (local $id i32) (local $h i32) (local $slot i32) (local $p i32) (local $found i32) (local $same i32)
    (local.set $id (i32.add (global.get $arena) (global.get $arenaUsed)))
    (local.set $h (call $hash (i32.add (local.get $id) (i32.const 24))))
    (local.set $slot (i32.and (local.get $h) (global.get $mask)))
    (block $free
      (loop $probe
        (local.set $p (i32.add (global.get $table) (i32.shl (local.get $slot) (i32.const 3))))
        (local.set $found (i32.load offset=4 (local.get $p)))
        (br_if $free (i32.eq (local.get $found) (i32.const -1)))
        (if (i32.eq (i32.load (local.get $p)) (local.get $h))
          (then
            (if (i32.eq (i32.load (local.get $found)) (local.get $len))
              (then
                (if (call $same
                      (i32.add (local.get $id) (i32.const 24))
                      (i32.add (local.get $found) (i32.const 24))
                      (local.get $len))
                  (then (return (local.get $found))))))
            (local.set $same (i32.add (local.get $same) (i32.const 1)))
            (if (i32.eq (local.get $same) (i32.const 8)) (then (return (i32.const -1))))))
        (local.set $slot (i32.and (i32.add (local.get $slot) (i32.const 1)) (global.get $mask)))
        (br $probe)))
    (i32.store (local.get $id) (local.get $len))
    (i32.store offset=4 (local.get $id) (local.get $value))
    (i32.store offset=8 (local.get $id) (i32.const -1))
    (i32.store offset=12 (local.get $id) (i32.const -1))
    (i32.store offset=16 (local.get $id) (i32.const -1))
    (global.set $arenaUsed (i32.add (global.get $arenaUsed) (call $recordBytes (local.get $len))))
    (global.set $size (i32.add (global.get $size) (i32.const 1)))
    (i32.store (local.get $p) (local.get $h))
    (i32.store offset=4 (local.get $p) (local.get $id))
    (if (i32.gt_u (i32.shl (global.get $size) (i32.const 1)) (global.get $mask)) (then (call $grow)))
    (local.get $id))

  ;; A record's bytes: its head and its line, padded to 8.
  (func $recordBytes (param $len i32) (result i32)
    (i32.and (i32.add (local.get $len) (i32.const 31)) (i32.const -8)))

  ;; Doubles the table and puts every kept line back, in the order they were kept (the first 8 lines of a hash stay
  ;; findable).
  (func $grow
    (local $id i32) (local $stop i32) (local $h i32) (local $slot i32) (local $p i32)
    (global.set $mask (i32.add (i32.shl (global.get $mask) (i32.const 1)) (i32.const 1)))
    (memory.fill
      (global.get $table) (i32.const 0xff) (i32.shl (i32.add (global.get $mask) (i32.const 1)) (i32.const 3)))
    (local.set $id (global.get $arena))
    (local.set $stop (i32.add (global.get $arena) (global.get $arenaUsed)))
    (block $done
      (loop $lines
        (br_if $done (i32.ge_u (local.get $id) (local.get $stop)))
        (local.set $h (call $hash (i32.add (local.get $id) (i32.const 24))))
        (local.set $slot (i32.and (local.get $h) (global.get $mask)))
        (loop $probe
          (local.set $p (i32.add (global.get $table) (i32.shl (local.get $slot) (i32.const 3))))
          (if (i32.ne (i32.load offset=4 (local.get $p)) (i32.const -1))
            (then
              (local.set $slot (i32.and (i32.add (local.get $slot) (i32.const 1)) (global.get $mask)))
              (br $probe))))
        (i32.store (local.get $p) (local.get $h))
        (i32.store offset=4 (local.get $p) (local.get $id))
        (local.set $id (i32.add (local.get $id) (call $recordBytes (i32.load (local.get $id)))))
        (br $lines))))
  ;; --- Keys: a frame line read as the parser's frameValue reads it (perf-script/parser.ts), in its plain layout. ---

  (func $isBlank (param $c i32) (result i32)
    (i32.or
      (i32.or (i32.eq (local.get $c) (i32.const 32)) (i32.eq (local.get $c) (i32.const 9)))
      (i32.eq (local.get $c) (i32.const 13))))

  (func $isHex (param $c i32) (result i32)
    (i32.or
      (i32.lt_u (i32.sub (local.get $c) (i32.const 48)) (i32.const 10))
      (i32.lt_u (i32.sub (i32.or (local.get $c) (i32.const 32)) (i32.const 97)) (i32.const 6))))

  ;; The newline ending the line at s, when the input has it and the line is under 4 KiB; else -1.
  (func $lineEnd (param $s i32) (result i32)
    (local $nl i32)
    (if (i32.eqz (global.get $keysOn)) (then (return (i32.const -1))))
    (local.set $nl
      (call $newline (local.get $s) (select (global.get $end) (i32.add (local.get $s) (i32.const 4097))
        (i32.lt_u (global.get $end) (i32.add (local.get $s) (i32.const 4097))))))
    (local.get $nl))

  ;; Reads the key of the line [s, e) (e: its newline, or its end) into $sym/$symLen/$dso/$dsoLen: 1 when the line is
  ;; in the plain layout — blanks, hex address, blank(s), symbol, blank(s), `(dso)` with no paren inside, blanks —
  ;; else 0. The symbol loses a `+0x<hex>` ending, as frameValue's does.
  (func $parseKey (param $s i32) (param $e i32) (result i32)
    (local $p i32) (local $address i32) (local $sym i32) (local $q i32) (local $r i32) (local $c i32)
    (local $symEnd i32) (local $t i32)
    (local.set $p (local.get $s))
    (block $blanks
      (loop $skip
        (br_if $blanks (i32.ge_u (local.get $p) (local.get $e)))
        (br_if $blanks (i32.eqz (call $isBlank (i32.load8_u (local.get $p)))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $skip)))
    (local.set $address (local.get $p))
    (block $hex
      (loop $digits
        (br_if $hex (i32.ge_u (local.get $p) (local.get $e)))
        (br_if $hex (i32.eqz (call $isHex (i32.load8_u (local.get $p)))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $digits)))
    (if (i32.eq (local.get $p) (local.get $address)) (then (return (i32.const 0))))
    (if (i32.ge_u (local.get $p) (local.get $e)) (then (return (i32.const 0))))
    (if (i32.eqz (call $isBlank (i32.load8_u (local.get $p)))) (then (return (i32.const 0))))
    (block $blanks2
      (loop $skip2
        (br_if $blanks2 (i32.ge_u (local.get $p) (local.get $e)))
        (br_if $blanks2 (i32.eqz (call $isBlank (i32.load8_u (local.get $p)))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $skip2)))
    (local.set $sym (local.get $p))
    ;; The end, without trailing blanks (a CR among them), must close the DSO's parens.
    (local.set $q (local.get $e))
    (block $trail
      (loop $back
        (br_if $trail (i32.le_u (local.get $q) (local.get $sym)))
        (br_if $trail (i32.eqz (call $isBlank (i32.load8_u (i32.sub (local.get $q) (i32.const 1))))))
        (local.set $q (i32.sub (local.get $q) (i32.const 1)))
        (br $back)))
    (if (i32.le_u (local.get $q) (local.get $sym)) (then (return (i32.const 0))))
    (if (i32.ne (i32.load8_u (i32.sub (local.get $q) (i32.const 1))) (i32.const 41)) (then (return (i32.const 0))))
    ;; Its '(' is the nearest paren before: another ')' first (parens inside the DSO) is frameValue's harder case.
    (local.set $r (i32.sub (local.get $q) (i32.const 2)))
    (block $open
      (loop $find
        (if (i32.lt_s (local.get $r) (local.get $sym)) (then (return (i32.const 0))))
        (local.set $c (i32.load8_u (local.get $r)))
        (br_if $open (i32.eq (local.get $c) (i32.const 40)))
        (if (i32.eq (local.get $c) (i32.const 41)) (then (return (i32.const 0))))
        (local.set $r (i32.sub (local.get $r) (i32.const 1)))
        (br $find)))
    ;; A symbol, then a blank before the '('.
    (if (i32.le_u (local.get $r) (local.get $sym)) (then (return (i32.const 0))))
    (if (i32.eqz (call $isBlank (i32.load8_u (i32.sub (local.get $r) (i32.const 1))))) (then (return (i32.const 0))))
    (local.set $symEnd (local.get $r))
    (block $symBlanks
      (loop $trim
        (br_if $symBlanks (i32.le_u (local.get $symEnd) (local.get $sym)))
        (br_if $symBlanks (i32.eqz (call $isBlank (i32.load8_u (i32.sub (local.get $symEnd) (i32.const 1))))))
        (local.set $symEnd (i32.sub (local.get $symEnd) (i32.const 1)))
        (br $trim)))
    ;; `+0x1f`: the same function at another instruction is the same frame.
    (local.set $t (local.get $symEnd))
    (block $offset
      (loop $hexBack
        (br_if $offset (i32.le_u (local.get $t) (local.get $sym)))
        (br_if $offset (i32.eqz (call $isHex (i32.load8_u (i32.sub (local.get $t) (i32.const 1))))))
        (local.set $t (i32.sub (local.get $t) (i32.const 1)))
        (br $hexBack)))
    (if (i32.and
          (i32.lt_u (local.get $t) (local.get $symEnd))
          (i32.ge_s (i32.sub (local.get $t) (i32.const 3)) (local.get $sym)))
      (then
        (if (i32.and
              (i32.eq (i32.load8_u (i32.sub (local.get $t) (i32.const 1))) (i32.const 120))
              (i32.and
                (i32.eq (i32.load8_u (i32.sub (local.get $t) (i32.const 2))) (i32.const 48))
                (i32.eq (i32.load8_u (i32.sub (local.get $t) (i32.const 3))) (i32.const 43))))
          (then (local.set $symEnd (i32.sub (local.get $t) (i32.const 3)))))))
    (global.set $sym (local.get $sym))
    (global.set $symLen (i32.sub (local.get $symEnd) (local.get $sym)))
    (global.set $dso (i32.add (local.get $r) (i32.const 1)))
    (global.set $dsoLen (i32.sub (i32.sub (local.get $q) (i32.const 1)) (i32.add (local.get $r) (i32.const 1))))
    (i32.const 1))

  ;; A hash of len bytes at p, four at a time (the last word masked to what is left), continuing h.
  (func $hashBytes (param $p i32) (param $len i32) (param $h i32) (result i32)
    (local $end i32) (local $word i32) (local $left i32)
    (local.set $end (i32.add (local.get $p) (local.get $len)))
    (block $done
      (loop $words
        (local.set $left (i32.sub (local.get $end) (local.get $p)))
        (br_if $done (i32.le_s (local.get $left) (i32.const 0)))
        (local.set $word (i32.load (local.get $p)))
        (if (i32.lt_s (local.get $left) (i32.const 4))
          (then
            (local.set $word
              (i32.and (local.get $word)
                (i32.sub (i32.shl (i32.const 1) (i32.shl (local.get $left) (i32.const 3))) (i32.const 1))))))
        (local.set $h (i32.mul (i32.xor (i32.rotl (local.get $h) (i32.const 5)) (local.get $word)) (i32.const 0x27220a95)))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $words)))
    (i32.xor (local.get $h) (local.get $len)))

  ;; The record of the key parseKey read, or -1; leaves its hash in $keyHash and, when missing, the slot it would take
  ;; in $keySlot (-1: 8 keys already share the hash, or the keys are full — it is not to be kept).
  (func $findKey (result i32)
    (local $h i32) (local $slot i32) (local $p i32) (local $record i32) (local $seen i32)
    (local.set $h (call $hashBytes (global.get $sym) (global.get $symLen) (i32.const 0x9747b28c)))
    (local.set $h (call $hashBytes (global.get $dso) (global.get $dsoLen) (i32.xor (local.get $h) (i32.const 0x5bd1e995))))
    (local.set $h (i32.mul (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 16))) (i32.const 0x85ebca6b)))
    (local.set $h (i32.mul (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 13))) (i32.const 0xc2b2ae35)))
    (local.set $h (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 16))))
    (global.set $keyHash (local.get $h))
    (global.set $keySlot (i32.const -1))
    (local.set $slot (i32.and (local.get $h) (global.get $keyMask)))
    (loop $probe
      (local.set $p (i32.add (global.get $keyTable) (i32.shl (local.get $slot) (i32.const 3))))
      (local.set $record (i32.load offset=4 (local.get $p)))
      (if (i32.eq (local.get $record) (i32.const -1))
        (then
          (if (i32.lt_u (global.get $keyCount) (global.get $maxKeys)) (then (global.set $keySlot (local.get $slot))))
          (return (i32.const -1))))
      (if (i32.eq (i32.load (local.get $p)) (local.get $h))
        (then
          (if (i32.and
                (i32.eq (i32.load offset=4 (local.get $record)) (global.get $symLen))
                (i32.eq (i32.load offset=12 (local.get $record)) (global.get $dsoLen)))
            (then
              (if (i32.and
                    (call $same (global.get $sym) (i32.load (local.get $record)) (global.get $symLen))
                    (call $same (global.get $dso) (i32.load offset=8 (local.get $record)) (global.get $dsoLen)))
                (then (return (local.get $record))))))
          (local.set $seen (i32.add (local.get $seen) (i32.const 1)))
          (if (i32.eq (local.get $seen) (i32.const 8)) (then (return (i32.const -1))))))
      (local.set $slot (i32.and (i32.add (local.get $slot) (i32.const 1)) (global.get $keyMask)))
      (br $probe))
    (i32.const -1))

  ;; Keeps the key findKey just missed, with its value (its bytes are a kept line's, which stay).
  (func $addKey (param $value i32)
    (local $record i32) (local $p i32)
    (if (i32.lt_s (global.get $keySlot) (i32.const 0)) (then (return)))
    (local.set $record (i32.add (global.get $keys) (i32.mul (global.get $keyCount) (i32.const 24))))
    (i32.store (local.get $record) (global.get $sym))
    (i32.store offset=4 (local.get $record) (global.get $symLen))
    (i32.store offset=8 (local.get $record) (global.get $dso))
    (i32.store offset=12 (local.get $record) (global.get $dsoLen))
    (i32.store offset=16 (local.get $record) (local.get $value))
    (i32.store offset=20 (local.get $record) (global.get $keyHash))
    (local.set $p (i32.add (global.get $keyTable) (i32.shl (global.get $keySlot) (i32.const 3))))
    (i32.store (local.get $p) (global.get $keyHash))
    (i32.store offset=4 (local.get $p) (local.get $record))
    (global.set $keyCount (i32.add (global.get $keyCount) (i32.const 1)))
    (if (i32.gt_u (i32.shl (global.get $keyCount) (i32.const 1)) (global.get $keyMask)) (then (call $growKeys))))

  ;; Doubles the key table and puts every key back, in the order they were kept.
  (func $growKeys
    (local $record i32) (local $stop i32) (local $slot i32) (local $p i32)
    (global.set $keyMask (i32.add (i32.shl (global.get $keyMask) (i32.const 1)) (i32.const 1)))
    (memory.fill
      (global.get $keyTable) (i32.const 0xff) (i32.shl (i32.add (global.get $keyMask) (i32.const 1)) (i32.const 3)))
    (local.set $record (global.get $keys))
    (local.set $stop (i32.add (global.get $keys) (i32.mul (global.get $keyCount) (i32.const 24))))
    (block $done
      (loop $records
        (br_if $done (i32.ge_u (local.get $record) (local.get $stop)))
        (local.set $slot (i32.and (i32.load offset=20 (local.get $record)) (global.get $keyMask)))
        (loop $probe
          (local.set $p (i32.add (global.get $keyTable) (i32.shl (local.get $slot) (i32.const 3))))
          (if (i32.ne (i32.load offset=4 (local.get $p)) (i32.const -1))
            (then
              (local.set $slot (i32.and (i32.add (local.get $slot) (i32.const 1)) (global.get $keyMask)))
              (br $probe))))
        (i32.store (local.get $p) (i32.load offset=20 (local.get $record)))
        (i32.store offset=4 (local.get $p) (local.get $record))
        (local.set $record (i32.add (local.get $record) (i32.const 24)))
        (br $records))))

  ;; The record of the line [s, nl)'s key when the line is in the plain layout and its key is known; else -1.
  (func $knownKey (param $s i32) (param $nl i32) (result i32)
    (if (i32.eqz (call $parseKey (local.get $s) (local.get $nl))) (then (return (i32.const -1))))
    (call $findKey))
)
