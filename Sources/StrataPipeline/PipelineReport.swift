import Foundation
import StrataCore
import StrataPlot

/// The self-contained HTML run report: counts at every step, quarantine, segment sizes and
/// profiles, churn, and plots inline as SVG.
enum PipelineReport {
    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    static func grid(_ header: [String], _ rows: [[String]]) -> String {
        "<table><tr>" + header.map { "<th>\(escape($0))</th>" }.joined() + "</tr>"
            + rows.map { "<tr>" + $0.map { "<td>\(escape($0))</td>" }.joined() + "</tr>" }.joined() + "</table>\n"
    }

    static func html(_ spec: PipelineSpec, table: Table, steps: [PipelineStepReport], artifacts: [String: String], ruleSegments: [String]) -> String {
        var body = "<h1>Segmentation run</h1>\n<p>Spec <code>\(escape(spec.source))</code>"
        if let asOf = spec.asOf { body += ", as of \(CivilDate(daysSinceEpoch: asOf))" }
        body += "; \(table.rowCount) customers in the outputs.</p>\n<h2>Steps</h2>\n"
        body += grid(["step", "rows after", "what happened", "seconds"], steps.map {
            [$0.step, String($0.rows), $0.note + ($0.resumed ? " (resumed)" : ""), String(format: "%.2f", $0.seconds)]
        })
        if let c = artifacts["clean"], let data = c.data(using: .utf8),
           let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let columns = json["columns"] as? [[String: Any]] {
            body += "<h2>Cleaning</h2>\n"
            body += grid(["column", "step", "standardized", "invalid", "ambiguous", "imputed", "dropped", "value", "examples"], columns.map { c in
                ["\(c["column"] ?? "")", "\(c["step"] ?? "")", "\(c["changed"] ?? 0)", "\(c["invalid"] ?? 0)", "\(c["ambiguous"] ?? 0)",
                 "\(c["imputed"] ?? 0)", "\(c["dropped"] ?? 0)", "\(c["value"] ?? "")", ((c["examples"] as? [String]) ?? []).joined(separator: "; ")]
            })
        }
        if let v = artifacts["validate"], let data = v.data(using: .utf8),
           let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let rules = json["rules"] as? [[String: Any]] {
            body += "<h2>Quarantine</h2>\n<p>\(json["quarantinedRows"] ?? 0) rows quarantined (quarantine.csv).</p>\n"
            body += grid(["rule", "severity", "failures"], rules.compactMap { r in
                guard let failed = r["failed"] as? Int, failed > 0 else { return nil }
                return ["\(r["rule"] ?? "")", "\(r["severity"] ?? "")", String(failed)]
            })
        }
        if !ruleSegments.isEmpty {
            body += "<h2>Rule segments</h2>\n"
            let primary = try? table.column("primary_segment")
            body += grid(["segment", "members", "primary"], ruleSegments.map { name in
                let c = try? table.column(name)
                let members = c.map { c in (0..<c.count).filter { c.doubleValue(at: $0) == 1 }.count } ?? 0
                let p = primary.map { p in (0..<p.count).filter { p.stringValue(at: $0) == name }.count } ?? 0
                return [name, String(members), String(p)]
            })
        }
        if let clusters = artifacts["clusters"], let data = clusters.data(using: .utf8),
           let rows = try? JSONSerialization.jsonObject(with: data) as? [[String: Double]], let first = rows.first {
            let columns = spec.clustering?.columns ?? first.keys.sorted()
            body += "<h2>Cluster profiles (\(spec.clustering?.method == "ward" ? "Ward" : "K-Means"), original units)</h2>\n"
            body += grid(["cluster", "size"] + columns, rows.map { r in
                [String(Int(r["cluster"] ?? 0)), String(Int(r["size"] ?? 0))] + columns.map { String(format: "%.2f", r[$0] ?? 0) }
            })
        }
        if let churn = artifacts["churn"], let data = churn.data(using: .utf8),
           let json = try? JSONSerialization.jsonObject(with: data) as? [String: Double], let p = try? table.column("churn_probability") {
            body += "<h2>Churn</h2>\n<p>Held-out ROC-AUC \(String(format: "%.4f", json["auc"] ?? 0)); threshold \(json["threshold"] ?? 0.5).</p>\n"
            let values = (0..<p.count).compactMap { p.doubleValue(at: $0) }
            body += Histogram(title: "Churn probability", xLabel: "probability", values: values, threshold: json["threshold"]).svg()
        }
        return """
        <!doctype html>
        <html><head><meta charset="utf-8"><title>Strata segmentation run</title>
        <style>body{font-family:Helvetica,Arial,sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse;margin:1em 0}
        td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}th{background:#f2f2f2}code{background:#f6f6f6;padding:1px 4px}</style>
        </head><body>
        \(body)
        </body></html>

        """
    }
}
