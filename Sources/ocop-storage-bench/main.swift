// ocop-storage-bench: what one producer insert costs below HTTP, on this machine.
//
// `ocop-bench` measures the server from outside; this measures the floor under it, so a
// throughput target can be checked against what the storage alone allows. Two runs on
// fresh, migrated database files:
//
//   store  the server's own write path without HTTP: ProducerDraft, then ProducerStore.create
//          and IdempotencyStore.save in `Database.write` (group commit, WAL flush on the
//          syncer thread, background checkpoints), from many threads at once;
//   sqlite the same SQL statements from SQLite's C API, prepared once, in transactions of a
//          fixed size, on this thread alone: no Swift, no threads, checkpoints inline.
//
// Both report inserts per second and CPU time of the whole process per insert.
#if canImport(Glibc)
import Glibc
#endif
import CSQLite
import OCOP
import SQLite

let usage = """
    usage: ocop-storage-bench [--rows N] [--threads T] [--batch B ...] [--only store|sqlite] [--dir PATH]
      --rows N      inserts per run (default 40000)
      --threads T   writer callers of the store run, like the server's handler threads (default 64)
      --batch B     transaction sizes of the sqlite runs; repeatable (default: the store run's mean, and 256)
      --only RUN    just the store run, or just the sqlite runs (to profile one of them)
      --dir PATH    where the database files go (default: a new directory under /tmp); they are removed after
    """

struct Options {
    var rows = 40_000
    var threads = 64
    var batches: [Int] = []
    var directory: String?
    var runsStore = true
    var runsSQLite = true

    init(_ arguments: [String]) throws {
        var rest = arguments[...]
        func value(_ flag: String) throws -> String {
            guard let next = rest.popFirst() else { throw UsageError("\(flag) needs a value") }
            return next
        }
        func count(_ flag: String) throws -> Int {
            guard let number = Int(try value(flag)), number > 0 else { throw UsageError("\(flag) needs a positive number") }
            return number
        }
        while let flag = rest.popFirst() {
            switch flag {
            case "--rows": rows = try count(flag)
            case "--threads": threads = try count(flag)
            case "--batch":
                let batch = try count(flag)
                if !batches.contains(batch) { batches.append(batch) }
            case "--dir": directory = try value(flag)
            case "--only":
                switch try value(flag) {
                case "store": runsSQLite = false
                case "sqlite": runsStore = false
                case let other: throw UsageError("--only takes store or sqlite, not \(other)")
                }
            case "--help", "-h": throw UsageError(nil)
            default: throw UsageError("unknown argument \(flag)")
            }
        }
    }
}

struct UsageError: Error {
    let message: String?
    init(_ message: String?) { self.message = message }
}

func run() -> Int32 {
    let options: Options
    do {
        options = try Options(Array(CommandLine.arguments.dropFirst()))
    } catch let error as UsageError {
        if let message = error.message { print("ocop-storage-bench: \(message)") }
        print(usage)
        return error.message == nil ? 0 : 2
    } catch {
        return 2
    }
    // As the server does before its first connection: no process-wide allocation mutex.
    _ = csqlite_disable_memstatus()
    do {
        let scratch = try ScratchDirectory(options.directory ?? "/tmp/ocop-storage-bench-\(getpid())")
        defer { scratch.remove() }
        print("\(options.rows) producer inserts per run, each with its audit entry, search text and stored idempotent response")
        var batches = options.batches
        if options.runsStore {
            let store = try StoreRun(path: scratch.database("store.sqlite"), rows: options.rows, threads: options.threads).measure()
            print(store.line(label: "store  \(options.threads) threads"))
            if batches.isEmpty {
                let mean = max(1, Int((Double(store.inserts) / Double(max(1, store.commits))).rounded()))
                batches = mean == 256 ? [256] : [mean, 256]
            }
        }
        if batches.isEmpty { batches = [32, 256] }
        for batch in options.runsSQLite ? batches : [] {
            let raw = try RawSQLiteRun(path: scratch.database("sqlite-\(batch).sqlite"), rows: options.rows, batch: batch).measure()
            print(raw.line(label: "sqlite batch \(batch)"))
        }
        return 0
    } catch {
        print("ocop-storage-bench: \(error)")
        return 1
    }
}

exit(run())
