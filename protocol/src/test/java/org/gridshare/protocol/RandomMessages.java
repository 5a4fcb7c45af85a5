package org.gridshare.protocol;

import java.util.Random;

/** Seeded random messages; about a third of the values are edge values of their type. */
public final class RandomMessages {
    private static final long[] UINT64_EDGES = {
        0L, 1L, -1L /* max uint64 */, Long.MAX_VALUE, Long.MIN_VALUE, 0xFFFF_FFFFL, 0x1_0000_0000L, 1_764_000_000_000L
    };
    private static final long[] INT64_EDGES = {
        0L, 1L, -1L, Long.MIN_VALUE, Long.MAX_VALUE, -500L, Integer.MIN_VALUE, -0x1_0000_0000L
    };
    private static final long[] UINT32_EDGES = {0L, 1L, 0xFFFF_FFFFL, 0x7FFF_FFFFL, 0x8000_0000L, 900L};

    private final Random random;

    public RandomMessages(long seed) {
        this.random = new Random(seed);
    }

    public Random random() {
        return random;
    }

    public long uint64() {
        return random.nextInt(3) == 0 ? UINT64_EDGES[random.nextInt(UINT64_EDGES.length)] : random.nextLong();
    }

    public long int64() {
        return random.nextInt(3) == 0 ? INT64_EDGES[random.nextInt(INT64_EDGES.length)] : random.nextLong();
    }

    public long uint32() {
        return random.nextInt(3) == 0
                ? UINT32_EDGES[random.nextInt(UINT32_EDGES.length)]
                : random.nextLong() & 0xFFFF_FFFFL;
    }

    public Address address() {
        byte[] b = new byte[20];
        int kind = random.nextInt(8);
        if (kind == 0) {
            return new Address(b);
        }
        if (kind == 1) {
            java.util.Arrays.fill(b, (byte) 0xff);
            return new Address(b);
        }
        random.nextBytes(b);
        return new Address(b);
    }

    public Bytes32 bytes32() {
        if (random.nextInt(6) == 0) {
            return Bytes32.ZERO;
        }
        byte[] b = new byte[32];
        random.nextBytes(b);
        return new Bytes32(b);
    }

    public Eip712Domain domain() {
        long[] chains = {1L, 31337L, 246L, 100L, Long.MAX_VALUE, 1L + (random.nextLong() >>> 1) % 1_000_000_000L};
        return new Eip712Domain(chains[random.nextInt(chains.length)], address());
    }

    public MeterReading reading() {
        return new MeterReading(address(), uint64(), uint64(), uint64(), uint64(), int64(), uint32(), bytes32());
    }

    public IntervalStatement statement() {
        return new IntervalStatement(
                address(), uint64(), uint32(), uint64(), uint64(), uint64(), uint64(), uint64(), uint64(), bytes32());
    }

    public Order order() {
        return new Order(address(), bytes32(), uint64(), random.nextInt(2), uint64(), uint64(), uint64(), uint64());
    }

    public TypedMessage any() {
        return switch (random.nextInt(3)) {
            case 0 -> reading();
            case 1 -> statement();
            default -> order();
        };
    }
}
