;; A wasm module sharing the JS allocator's heap: its memory is the heap's WebAssembly.Memory, its
;; malloc and free are the allocator's, and its own static data lives below the heap's start.
(module
  (import "env" "memory" (memory 1))
  (import "env" "malloc" (func $malloc (param i32) (result i32)))
  (import "env" "free" (func $free (param i32)))
  (data (i32.const 1024) "wasm static data")

  ;; sum of n u32 at ptr (a block JS allocated and filled)
  (func (export "sum") (param $ptr i32) (param $n i32) (result i32)
    (local $total i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $total (i32.add (local.get $total) (i32.load (local.get $ptr))))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 4)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $total))

  ;; adds k to each of n u32 at ptr, in place
  (func (export "addEach") (param $ptr i32) (param $n i32) (param $k i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (i32.store (local.get $ptr) (i32.add (i32.load (local.get $ptr)) (local.get $k)))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 4)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next))))

  ;; allocates n u32 through the imported malloc and stores i * i at index i; returns the block (0 when out)
  (func (export "squares") (param $n i32) (result i32)
    (local $ptr i32) (local $i i32)
    (local.set $ptr (call $malloc (i32.shl (local.get $n) (i32.const 2))))
    (if (i32.eqz (local.get $ptr)) (then (return (i32.const 0))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (i32.store (i32.add (local.get $ptr) (i32.shl (local.get $i) (i32.const 2))) (i32.mul (local.get $i) (local.get $i)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $ptr))

  (func (export "release") (param $ptr i32) (call $free (local.get $ptr)))
)
