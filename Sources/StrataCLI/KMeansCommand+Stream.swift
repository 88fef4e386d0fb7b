import ArgumentParser
import StrataCluster
import StrataCore
import StrataIO
import StrataKernels
import StrataPrep

/// `strata kmeans --stream`: mini-batch K-Means over a file read in batches, never whole, for
/// inputs larger than memory. One pass learns the scaler and imputation values, `--passes`
/// passes feed the batches to `MiniBatchKMeans.partialFit`, and a last pass assigns every row
/// and writes the output as it goes. Memory: one read window plus one batch.
extension KMeansCommand {
    func streamFit<S: KernelScalar>(_: S.Type) throws {
        let format = try FileFormat.of(path: input, override: read.format)
        guard format.isText, try output.map({ try FileFormat.of(path: $0, override: nil).isText }) ?? true else {
            throw StrataError(.unsupported, "--stream reads and writes CSV or TSV only (Parquet and Arrow are read whole); drop --stream or convert first", file: input)
        }
        let options = try read.csvOptions(format: format, parallelism: global.parallelism)
        let policy = try features.missingPolicy()
        let quiet = global.quiet
        let k = kRange!.lowerBound

        // Pass 1: columns, moments (scaler, mean imputation) and missing values.
        var columns: [String] = []
        var stats: StreamingMoments? = nil
        Terminal.progress("pass 1: statistics of \(input)…", quiet: quiet)
        _ = try CSVReader.readBatches(path: input, options: options) { batch in
            if stats == nil {
                columns = try features.featureColumns(batch)
                stats = StreamingMoments(columns: columns)
            }
            let (m, _) = try FeatureExtraction.extract(batch, columns: columns, as: Double.self, missing: .impute(.constant(.nan)))
            stats!.add(m)
        }
        guard let stats, stats.rows > 0 else { throw StrataError(.invalidConfiguration, "no rows to cluster: the input has a header only", file: input) }
        var learned: ImputationValues? = nil
        switch policy {
        case .error:
            if let j = stats.firstMissing.firstIndex(where: { $0 != nil }) {
                throw StrataError(.missingValue, "missing value at row \(stats.firstMissing[j]! + 1) (rows counted from 1); choose an imputation or drop rows",
                                  file: input, column: columns[j])
            }
        case .dropRows: break
        case .impute(.mean): learned = ImputationValues(columns: columns, values: stats.mean)
        case .impute(.constant(let v)): learned = ImputationValues(columns: columns, values: columns.map { _ in v })
        case .impute:
            throw StrataError(.unsupported, "--stream imputes with mean or constant:<v> (median and mode need the whole column)")
        }
        let scaler = try stats.standardizer(method: features.standardize)
        for c in scaler.constantColumns {
            Terminal.note("strata: warning: column '\(c)' is constant; it cannot separate segments (scaled to 0)", quiet: quiet)
        }
        func prepare(_ batch: Table) throws -> FeatureMatrix<S> {
            let missing: MissingValuePolicy = policy == .dropRows ? .dropRows : (learned == nil ? .error : .impute(.constant(0)))
            let (raw, _) = try FeatureExtraction.extract(batch, columns: columns, as: S.self, missing: missing, learned: learned)
            return try scaler.transform(raw)
        }

        // Passes 2…: mini-batch updates.
        var mb = MiniBatchKMeans<S>.Configuration(k: k)
        mb.batchSize = batchSize
        mb.seed = seed
        mb.parallelism = global.parallelism
        var model = try MiniBatchKMeans<S>(mb)
        for pass in 0..<passes {
            Terminal.progress("pass \(pass + 2): mini-batch updates…", quiet: quiet)
            _ = try CSVReader.readBatches(path: input, options: options) { batch in
                let x = try prepare(batch)
                try x.withUnsafeBufferPointer { xb in
                    var start = 0
                    if model.centers.isEmpty {
                        // Seed by k-means++ on the first rows (scikit-learn's init_size: 3 × batch size).
                        let m = min(x.rows, max(batchSize, 3 * k))
                        guard m >= k else {
                            throw StrataError(.invalidConfiguration, "k = \(k) is larger than the rows of the first batch (\(m))", file: input)
                        }
                        try model.partialFit(UnsafeBufferPointer(rebasing: xb[0..<(m * x.columns)]), rows: m, columns: x.columns)
                        start = m
                    }
                    while start < x.rows {
                        let end = min(x.rows, start + batchSize)
                        try model.partialFit(UnsafeBufferPointer(rebasing: xb[(start * x.columns)..<(end * x.columns)]), rows: end - start, columns: x.columns)
                        start = end
                    }
                }
            }
        }
        guard !model.centers.isEmpty else { throw StrataError(.invalidConfiguration, "no rows left to cluster", file: input) }

        // Last pass: assign every row, measure inertia and sizes, write the output as it goes.
        Terminal.progress("pass \(passes + 2): assigning rows…", quiet: quiet)
        let writer = try output.map { path -> CSVWriter in
            var o = CSVWriteOptions()
            o.parallelism = global.parallelism
            if try FileFormat.of(path: path, override: nil) == .tsv { o.delimiter = UInt8(ascii: "\t") }
            return try CSVWriter(path: path, options: o)
        }
        var inertia = 0.0, sizes = [Double](repeating: 0, count: k), offset = 0, kept = 0
        let final = model.model(inertia: 0, clusterWeights: [])
        do {
            _ = try CSVReader.readBatches(path: input, options: options) { batch in
                let x = try prepare(batch)
                let (labels, distances) = try x.withUnsafeBufferPointer { try final.predict($0, columns: x.columns, parallelism: global.parallelism) }
                for i in 0..<x.rows {
                    inertia += Double(distances[i]) * Double(distances[i])
                    sizes[Int(labels[i])] += 1
                }
                kept += x.rows
                if let writer {
                    let rows = x.sourceRows ?? Array(0..<x.rows)
                    let ids: Column
                    var idName = "row"
                    if let id = features.id {
                        ids = try batch.column(id).gathering(rows)
                        idName = id
                    } else {
                        let b = ColumnBuilder(type: .int64, capacity: rows.count)
                        for r in rows { b.append(Int64(offset + r + 1)) }
                        ids = b.finish()
                    }
                    let seg = ColumnBuilder(type: .int64, capacity: x.rows)
                    let dist = ColumnBuilder(type: S.self == Float.self ? .float32 : .float64, capacity: x.rows)
                    for i in 0..<x.rows {
                        seg.append(Int64(labels[i]))
                        if S.self == Float.self { dist.append(Float(distances[i])) } else { dist.append(Double(distances[i])) }
                    }
                    try writer.append(try Table(names: [idName, "segment", "distance"], columns: [ids, seg.finish(), dist.finish()]))
                }
                offset += batch.rowCount
            }
            try writer?.commit()
        } catch {
            writer?.abandon()
            throw error
        }
        Terminal.endProgress(quiet: quiet)
        let fitted = model.model(inertia: inertia, clusterWeights: sizes)
        let document = try KMeansDocument(model: fitted, columns: columns, missing: features.missing, imputation: learned,
                                          scaler: scaler, seed: seed)
        if let path = self.model { try document.save(to: path) }
        try printSummary(document, rows: kept, dropped: stats.rows - kept)
    }
}

