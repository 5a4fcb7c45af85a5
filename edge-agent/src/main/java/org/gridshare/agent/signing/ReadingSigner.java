package org.gridshare.agent.signing;

import java.io.IOException;
import java.time.Clock;
import org.gridshare.agent.meter.Measurement;
import org.gridshare.protocol.Eip712Domain;
import org.gridshare.protocol.MeterReading;
import org.gridshare.protocol.MeterStatus;
import org.gridshare.protocol.ReadingChain;
import org.gridshare.protocol.Secp256k1Signer;
import org.gridshare.protocol.Signed;

/**
 * Signs each measurement with the meter key the moment it is taken. The sequence number and the
 * {@code prev} link are persisted before the signed reading is returned, so neither survives a
 * power cut in a state that could sign a second, different reading under the same number.
 *
 * <p>Time never runs backwards in the signed chain: when the clock reads earlier than the last
 * signed reading, the reading keeps the last time and carries {@link MeterStatus#CLOCK_STEPPED_BACK}.
 */
public final class ReadingSigner {
  private final Secp256k1Signer meterKey;
  private final Eip712Domain domain;
  private final SigningStateFile stateFile;
  private final Clock clock;
  private SigningState state;

  public ReadingSigner(Secp256k1Signer meterKey, Eip712Domain domain, SigningStateFile stateFile, Clock clock)
      throws IOException {
    this.meterKey = meterKey;
    this.domain = domain;
    this.stateFile = stateFile;
    this.clock = clock;
    this.state = stateFile.load();
  }

  public synchronized Signed<MeterReading> sign(Measurement m) throws IOException {
    long now = clock.millis();
    long status = m.status();
    if (state.lastTimeMs() != Long.MIN_VALUE && now < state.lastTimeMs()) {
      status |= MeterStatus.CLOCK_STEPPED_BACK;
      now = state.lastTimeMs();
    }
    long seq = state.lastSeq() + 1;
    if (seq == 0) {
      throw new IllegalStateException("sequence space of meter " + meterKey.address().toHex() + " exhausted");
    }
    MeterReading reading = new MeterReading(meterKey.address(), seq, now, m.importMilliWh(),
        m.exportMilliWh(), m.powerMilliW(), status, state.lastDigest());
    Signed<MeterReading> signed = meterKey.sign(domain, reading);
    SigningState next = new SigningState(seq, ReadingChain.link(domain, reading), now);
    stateFile.store(next); // persisted before anyone may see this seq
    state = next;
    return signed;
  }

  public synchronized SigningState state() {
    return state;
  }
}
