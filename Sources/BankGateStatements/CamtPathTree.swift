import BankGateXML

/// What an element on a known camt path means to the reader.
enum CamtRole {
    /// On the way to something the reader keeps (`Acct`, `Refs`, `NtryDtls`).
    case inner
    /// The statement element (`Stmt`, `Rpt`, `Ntfctn`).
    case statement
    /// A balance (`Stmt/Bal`).
    case balance
    /// An entry (`Stmt/Ntry`).
    case entry
    /// Transaction details of an entry (`Stmt/Ntry/NtryDtls/TxDtls`).
    case transactionDetails
    /// A leaf whose text the reader keeps.
    case field(CamtField)
}

/// A leaf the camt reader keeps, by the structure it belongs to.
enum CamtField {
    /// `GrpHdr/MsgId`.
    case groupMessageId
    /// `GrpHdr/CreDtTm`.
    case groupCreatedAt
    case header(CamtHeaderFields.Field)
    case balance(CamtBalanceFields.Field)
    case entry(CamtEntryFields.Field)
    case detail(CamtEntryFields.DetailField)
}

/// Every element path the camt reader acts on, as a tree over ``XMLName``s, so that finding an
/// element's role is one table lookup per start tag instead of joining and comparing path strings.
///
/// The tree starts at the message element (`BkToCstmrStmt`, …): its node is ``message``. A start tag
/// moves from its parent's node to ``child(_:_:)``; an element off every known path is ``outside``, and
/// so are all its descendants. The field tables (``CamtHeaderFields/paths`` and the others) are the
/// only source of paths.
struct CamtPathTree: Sendable {
    /// A node of the tree.
    typealias Node = Int32

    /// The message element.
    static let message: Node = 0
    /// Any element off the known paths.
    static let outside: Node = -1

    /// Every element name of a known path: the ``XMLName`` of `names[i]` is `i` when the reader is
    /// opened with these names.
    static let names: [String] = {
        var names: [String] = ["Amt", "SplmtryData"]
        let relative = ["GrpHdr/MsgId", "GrpHdr/CreDtTm", "Stmt", "Rpt", "Ntfctn", "Bal", "Ntry/NtryDtls/TxDtls"]
            + CamtHeaderFields.paths.map(\.path) + CamtBalanceFields.paths.map(\.path)
            + CamtEntryFields.paths.map(\.path) + CamtEntryFields.detailPaths.map(\.path)
        for path in relative {
            for component in path.split(separator: "/").map(String.init) where !names.contains(component) {
                names.append(component)
            }
        }
        return names
    }()

    /// The name `Amt` (first in ``names``), whose `Ccy` attribute the reader takes.
    static var amount: XMLName { XMLName(rawValue: 0) }
    /// The name `SplmtryData` (second in ``names``), ignored with a warning.
    static var supplementaryData: XMLName { XMLName(rawValue: 1) }

    /// The tree of camt.053 (`Stmt`).
    static let statement = CamtPathTree(statementElement: "Stmt")
    /// The tree of camt.052 (`Rpt`).
    static let report = CamtPathTree(statementElement: "Rpt")
    /// The tree of camt.054 (`Ntfctn`).
    static let notification = CamtPathTree(statementElement: "Ntfctn")

    /// The tree for a message's statement element.
    static func tree(for message: CamtMessage) -> CamtPathTree {
        switch message.statementElement {
        case "Rpt": report
        case "Ntfctn": notification
        default: statement
        }
    }

    /// `transitions[node * width + name]` is the child node, or ``outside``.
    private var transitions: [Node]
    /// The number of names, a row of ``transitions``.
    private let width = Self.names.count
    /// The role of each node.
    private(set) var roles: [CamtRole]
    /// For a field, the path an error names (from the statement element, or from `Ntry` inside one).
    private(set) var locations: [String]
    /// Nodes whose descendants all stand for the node itself.
    private var absorbing: Set<Node> = []

    private init(statementElement: String) {
        transitions = Array(repeating: Self.outside, count: width)
        roles = [.inner]
        locations = [""]
        let statement = statementElement
        // The group header's MsgId and CreDtTm are taken from any text below them, as they always were.
        absorb(add("GrpHdr/MsgId", .field(.groupMessageId), location: "GrpHdr/MsgId"))
        absorb(add("GrpHdr/CreDtTm", .field(.groupCreatedAt), location: "GrpHdr/CreDtTm"))
        add(statement, .statement)
        for (path, field) in CamtHeaderFields.paths {
            add("\(statement)/\(path)", .field(.header(field)), location: "\(statement)/\(path)")
        }
        add("\(statement)/Bal", .balance)
        for (path, field) in CamtBalanceFields.paths {
            add("\(statement)/Bal/\(path)", .field(.balance(field)), location: "\(statement)/Bal/\(path)")
        }
        add("\(statement)/Ntry", .entry)
        for (path, field) in CamtEntryFields.paths {
            add("\(statement)/Ntry/\(path)", .field(.entry(field)), location: "Ntry/\(path)")
        }
        add("\(statement)/Ntry/NtryDtls/TxDtls", .transactionDetails)
        for (path, field) in CamtEntryFields.detailPaths {
            add("\(statement)/Ntry/NtryDtls/TxDtls/\(path)", .field(.detail(field)),
                location: "Ntry/NtryDtls/TxDtls/\(path)")
        }
    }

    /// The node of `name` inside `node`.
    @inline(__always)
    func child(_ node: Node, _ name: XMLName) -> Node {
        guard node >= 0 else { return Self.outside }
        guard name.rawValue < width else { return absorbing.contains(node) ? node : Self.outside }
        return transitions[Int(node) * width + Int(name.rawValue)]
    }

    /// The role of a node on a known path.
    @inline(__always)
    func role(_ node: Node) -> CamtRole? {
        node >= 0 ? roles[Int(node)] : nil
    }

    /// Adds the path (relative to the message element) with the role of its last element.
    @discardableResult
    private mutating func add(_ path: String, _ role: CamtRole, location: String = "") -> Node {
        var node = Self.message
        for component in path.split(separator: "/") {
            let name = Self.names.firstIndex(of: String(component))!
            let index = Int(node) * width + name
            if transitions[index] == Self.outside {
                transitions[index] = Node(roles.count)
                transitions.append(contentsOf: repeatElement(Self.outside, count: width))
                roles.append(.inner)
                locations.append("")
            }
            node = transitions[index]
        }
        roles[Int(node)] = role
        locations[Int(node)] = location
        return node
    }

    /// Makes every element below `node` stand for `node`.
    private mutating func absorb(_ node: Node) {
        absorbing.insert(node)
        for name in 0..<width where transitions[Int(node) * width + name] == Self.outside {
            transitions[Int(node) * width + name] = node
        }
    }
}
