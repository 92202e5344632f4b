#if canImport(Glibc)
internal import Glibc
#endif
import Foundation

/// The command line of the fuzz executables:
///
/// - `list`: the targets and what each reads;
/// - `replay TARGET PATH…`: runs files (and the files of folders) through a target, one line each;
///   works in every build, so a reproducer is checked without the sanitizers;
/// - `TARGET [libFuzzer options] [CORPUS…]`: libFuzzer on the target, in a build made with
///   `-sanitize=fuzzer,address -DFUZZING` (`Fuzz/run.sh`).
public enum FuzzDriver {
    /// Runs the command line over `targets`; returns the exit status.
    public static func main(targets: [FuzzTarget], arguments: [String] = CommandLine.arguments) -> Int32 {
        guard arguments.count >= 2 else { return usage(targets) }
        switch arguments[1] {
        case "list":
            for target in targets { print("\(target.name)\t\(target.summary)") }
            return 0
        case "replay":
            guard arguments.count >= 4, let target = FuzzTargets.named(arguments[2], in: targets) else { return usage(targets) }
            return replay(target, paths: Array(arguments[3...]))
        default:
            guard let target = FuzzTargets.named(arguments[1], in: targets) else { return usage(targets) }
            return fuzz(target, arguments: [arguments[0]] + arguments[2...])
        }
    }

    /// Every file under `paths`, sorted, so that a folder replays in the same order every time.
    public static func inputFiles(_ paths: [String]) -> [String] {
        var files: [String] = []
        for path in paths {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { continue }
            if isFolder.boolValue {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
                files += names.filter { !$0.hasPrefix(".") && $0 != "README.md" }.sorted().map { path + "/" + $0 }
            } else {
                files.append(path)
            }
        }
        return files
    }

    static func replay(_ target: FuzzTarget, paths: [String]) -> Int32 {
        let files = inputFiles(paths)
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                print("\(file): unreadable")
                return 1
            }
            print("\(file): \(target.run(Array(data)))")
        }
        print("\(files.count) inputs replayed through \(target.name)")
        return 0
    }

    static func usage(_ targets: [FuzzTarget]) -> Int32 {
        let names = targets.map(\.name).joined(separator: "|")
        print("usage: \(CommandLine.arguments.first ?? "bankgate-fuzz") list | replay <\(names)> PATH... | <\(names)> [libFuzzer options]")
        return 2
    }

    #if FUZZING
    /// The target libFuzzer's callback runs (set once, before libFuzzer starts).
    nonisolated(unsafe) static var current: FuzzTarget?

    static func fuzz(_ target: FuzzTarget, arguments: [String]) -> Int32 {
        current = target
        var argc = Int32(arguments.count)
        var pointers: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        return pointers.withUnsafeMutableBufferPointer { buffer in
            var argv = buffer.baseAddress
            return LLVMFuzzerRunDriver(&argc, &argv) { data, size in
                let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
                _ = FuzzDriver.current?.run(bytes)
                return 0
            }
        }
    }
    #else
    static func fuzz(_ target: FuzzTarget, arguments: [String]) -> Int32 {
        print("this build has no libFuzzer: build with Fuzz/run.sh, or use `replay \(target.name) PATH...`")
        return 2
    }
    #endif
}

#if FUZZING
/// libFuzzer's entry point for a program with its own `main` (compiler-rt's FuzzerDriver.cpp).
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<Int32>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32

/// libFuzzer's usual entry point, for its own `main` should the linker take that one.
@_cdecl("LLVMFuzzerTestOneInput")
func LLVMFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    _ = FuzzDriver.current?.run(bytes)
    return 0
}
#endif
