/// The fuzz targets of the decoding modules (no engine, no HTTP server), by name.
///
/// `bankgate-fuzz` runs them under libFuzzer (`Fuzz/run.sh`) and replays files through them;
/// `BankGateFuzzTargetsTests` replays the committed seeds and every regression input.
public enum FuzzTargets {
    /// Every decoder target, in the order `Fuzz/run.sh` runs them.
    public static let decoders: [FuzzTarget] = [
        pain002, camt, mt940, cmb, cmbCloud, icbc, abc, boc, ccb, toml, configuration,
    ]

    /// The target called `name` among `targets`.
    public static func named(_ name: String, in targets: [FuzzTarget] = decoders) -> FuzzTarget? {
        targets.first { $0.name == name }
    }
}
