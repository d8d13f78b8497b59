/// Placeholder until the module's issue lands.
public enum PumpPolicyModule {}
