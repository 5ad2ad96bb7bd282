/// Sentio's version.
public enum SentioVersion {
    /// Semantic version of this build.
    public static let string = "0.1.0"
}
