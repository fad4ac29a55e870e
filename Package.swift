// swift-tools-version:6.0
import PackageDescription

// Dependency direction: ocop → OCOPAPI → (OCOP, HTTP); OCOP → SQLite, JSON, CSHA256.
// The HTTP engine never imports OCOP or SQLite; the domain never imports HTTP.
let package = Package(
    name: "ocop-hub",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "ocop", targets: ["ocop"]),
        .executable(name: "ocop-bench", targets: ["ocop-bench"]),
        .executable(name: "ocop-storage-bench", targets: ["ocop-storage-bench"]),
    ],
    targets: [
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .target(name: "CLinux"),
        // SHA-256's compression on the processor's SHA extensions, where it has them.
        // DWARF 4: Debian 12's valgrind (3.19, `.ci/count-instructions`) gives up on the DWARF 5
        // clang writes for this file's intrinsics.
        .target(name: "CSHA256", cSettings: [.unsafeFlags(["-gdwarf-4"])]),
        // Named, joinable pthreads, for the HTTP engine's and the database's own threads.
        .target(name: "Threads", dependencies: ["CLinux"]),
        .target(name: "HTTP", dependencies: ["CLinux", "Threads"]),
        .target(name: "SQLite", dependencies: ["CSQLite", "Threads", "CLinux"]),
        .target(name: "JSON"),
        .target(name: "OCOP", dependencies: ["SQLite", "JSON", "CSHA256"]),
        .target(name: "OCOPAPI", dependencies: ["OCOP", "HTTP", "JSON", "SQLite", "Threads", "CLinux"]),
        .executableTarget(name: "ocop", dependencies: ["OCOPAPI", "HTTP", "OCOP", "SQLite", "CLinux"]),
        // MEASUREMENTS.md: every figure measured, session by session (the README summarises it).
        .executableTarget(name: "ocop-bench", dependencies: ["CLinux", "JSON"], exclude: ["MEASUREMENTS.md"]),
        // The storage layer's cost per insert without HTTP, and SQLite's alone.
        .executableTarget(name: "ocop-storage-bench", dependencies: ["OCOP", "SQLite", "CSQLite", "JSON", "Threads"]),
        // Parser fuzz target; a normal build is its corpus replay driver (see its README).
        .executableTarget(name: "ocop-fuzz", dependencies: ["HTTP", "JSON", "OCOP"],
                          exclude: ["README.md", "corpus", "corpus-json", "corpus-csv", "http.dict", "json.dict"]),
        .testTarget(name: "HTTPTests", dependencies: ["HTTP", "CLinux", "Threads"]),
        // Where tests keep their files (one directory per test process, removed at exit).
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "SQLiteTests", dependencies: ["SQLite", "TestSupport"]),
        .testTarget(name: "JSONTests", dependencies: ["JSON"]),
        .testTarget(name: "OCOPTests", dependencies: ["OCOP", "TestSupport"]),
        .testTarget(name: "OCOPAPITests", dependencies: ["OCOPAPI", "HTTP", "JSON", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
