package io.ffrtmp;
public class Main { public static void main(String[] a) {} }
