<?php
/**
 * A small PSR-4 autoloader for the Vafa\ namespace (no Composer needed).
 *
 * @package Vafa
 */

namespace Vafa;

defined( 'ABSPATH' ) || exit;

/**
 * Maps Vafa\Foo\Bar to includes/Foo/Bar.php.
 */
final class Autoloader {
	/**
	 * Registers the autoloader for classes under $dir.
	 *
	 * @param string $dir Directory holding the classes.
	 */
	public static function register( string $dir ): void {
		spl_autoload_register(
			static function ( string $class ) use ( $dir ): void {
				if ( 0 !== strpos( $class, 'Vafa\\' ) ) {
					return;
				}
				$file = $dir . '/' . str_replace( '\\', '/', substr( $class, 5 ) ) . '.php';
				if ( is_readable( $file ) ) {
					require_once $file;
				}
			}
		);
	}
}
