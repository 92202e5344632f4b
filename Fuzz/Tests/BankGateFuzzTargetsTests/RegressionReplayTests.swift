import BankGateFuzzIntake
import BankGateFuzzTargets
import Foundation
import XCTest

/// Replays every committed fuzz input through the same entry points as the fuzz targets: the seeds
/// under `Fuzz/Corpus/<target>/` and what the fuzzer found under `Fuzz/Regressions/<target>/`. Each
/// must decode or be refused with the decoder's typed error; a crash (a trap, an overflow, an index
/// out of range) ends the test process and so fails the run.
final class RegressionReplayTests: XCTestCase {
    static let fuzzRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let targets = FuzzTargets.decoders + PaymentJSONTargets.all

    static func inputs(_ kind: String, _ target: FuzzTarget) -> [String] {
        FuzzDriver.inputFiles([fuzzRoot.appendingPathComponent("\(kind)/\(target.name)").path])
    }

    static func replay(_ file: String, through target: FuzzTarget) throws -> FuzzTarget.Outcome {
        target.run(Array(try XCTUnwrap(FileManager.default.contents(atPath: file), file)))
    }

    func testRegressionInputsAreDecodedOrRefused() throws {
        var outcomes: [String: FuzzTarget.Outcome] = [:]
        for target in Self.targets {
            for file in Self.inputs("Regressions", target) {
                outcomes[file] = try Self.replay(file, through: target)
            }
        }
        XCTAssertGreaterThan(outcomes.count, 0, "no regression input found under \(Self.fuzzRoot.path)/Regressions")
        // The stack overflow the fuzzing found in the TOML reader (before: SIGSEGV).
        let nested = Self.fuzzRoot.appendingPathComponent("Regressions/toml/nested-arrays-65536.toml").path
        XCTAssertEqual(outcomes[nested], .refused("line 1: arrays nested more than 32 deep"))
        // The Int64 overflow in the statements' amount reader (before: a trap).
        let decimals = Self.fuzzRoot.appendingPathComponent("Regressions/mt940/mt942-90D-long-decimals.sta").path
        guard case .refused(let reason)? = outcomes[decimals] else { return XCTFail("\(String(describing: outcomes[decimals]))") }
        XCTAssertTrue(reason.hasSuffix("has non-zero decimals beyond the 2 of EUR"), reason)
    }

    /// Every target reaches its decoder: some of its seeds decode, so a target that refused
    /// everything (a wrong adapter setup, a seal that never verifies) would fail here.
    func testEveryTargetDecodesSomeOfItsSeeds() throws {
        for target in Self.targets {
            let seeds = Self.inputs("Corpus", target)
            XCTAssertFalse(seeds.isEmpty, "no seeds for \(target.name)")
            var decoded = 0
            for seed in seeds where try Self.replay(seed, through: target) == .decoded { decoded += 1 }
            XCTAssertGreaterThan(decoded, 0, "\(target.name): none of its \(seeds.count) seeds decodes")
        }
    }

    /// The hostile seeds are refused, not decoded: the targets go through the hardened readers.
    func testHostileSeedsAreRefused() throws {
        let pain002 = try XCTUnwrap(FuzzTargets.named("pain002"))
        for name in ["hostile-billion-laughs.xml", "hostile-dtd.xml", "hostile-xxe.xml"] {
            let outcome = try Self.replay(Self.fuzzRoot.appendingPathComponent("Corpus/pain002/\(name)").path, through: pain002)
            XCTAssertNotEqual(outcome, .decoded, name)
        }
        let ccb = try XCTUnwrap(FuzzTargets.named("ccb"))
        let dtd = try Self.replay(Self.fuzzRoot.appendingPathComponent("Corpus/ccb/6w8010-answer-dtd.xml").path, through: ccb)
        XCTAssertNotEqual(dtd, .decoded)
    }

    func testReplayCommandNamesEachInputsOutcome() throws {
        XCTAssertEqual(FuzzDriver.main(targets: Self.targets, arguments: ["bankgate-fuzz", "replay", "no-such-target", "x"]), 2)
        let seeds = Self.fuzzRoot.appendingPathComponent("Corpus/toml").path
        XCTAssertEqual(FuzzDriver.main(targets: Self.targets, arguments: ["bankgate-fuzz", "replay", "toml", seeds]), 0)
    }
}
