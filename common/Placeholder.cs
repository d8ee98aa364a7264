namespace ImageRec.Common; public static class Placeholder {}
