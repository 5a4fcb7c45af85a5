package org.gridshare.backend.auction.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.gridshare.backend.auction.ClearingResult;
import org.gridshare.backend.auction.OrderBook;
import org.gridshare.backend.auction.PartitioningAuction;
import org.gridshare.backend.auction.PriceRule;
import org.gridshare.backend.auction.RandomBooks;
import org.gridshare.backend.auction.SortAndCrossAuction;
import org.gridshare.testsupport.Reports;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Clearing one book: {@link PartitioningAuction} against a sort-and-cross over one object per order.
 * Sample time, so JMH reports the median (p0.50) per size. Run with {@code -Pbench} (command in docs/benchmarks.md).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class ClearingBenchmark {
    /** Orders in the book. */
    @Param({"10000", "100000", "1000000"})
    public int orders;

    private OrderBook book;
    private final PartitioningAuction fast = new PartitioningAuction();
    private final SortAndCrossAuction sortAndCross = new SortAndCrossAuction();

    @Setup
    public void book() {
        // 2,000 price levels between the tariffs, arrival times over a 15-minute gate, up to 5 kWh per order.
        book = RandomBooks.book(new SplittableRandom(42), orders, 2_000, 900, 5_000_000);
        if (!fast.clear(book, PriceRule.MIDPOINT).equals(sortAndCross.clear(book, PriceRule.MIDPOINT))) {
            throw new IllegalStateException("the two clearings disagree on the benchmark book");
        }
    }

    @Benchmark
    public ClearingResult partitioning() {
        return fast.clear(book, PriceRule.MIDPOINT);
    }

    @Benchmark
    public ClearingResult sortAndCross() {
        return sortAndCross.clear(book, PriceRule.MIDPOINT);
    }

    /** Runs this benchmark; JMH command-line options (e.g. {@code -p orders=100000}) pass through. */
    public static void main(String[] args) throws RunnerException, CommandLineOptionException {
        new Runner(new OptionsBuilder()
                        .parent(new CommandLineOptions(args))
                        .include(ClearingBenchmark.class.getName())
                        // docs/benchmarks.md reads the figures from here
                        .resultFormat(ResultFormatType.JSON)
                        .result(Reports.file("clearing-jmh.json").toString())
                        .build())
                .run();
    }
}
