<?php
/**
 * Failure talking to the service.
 *
 * @package Vafa
 */

namespace Vafa;

defined( 'ABSPATH' ) || exit;

/**
 * Carries a translated message safe to show an admin, and the service's error code.
 */
class ApiException extends \RuntimeException {
	/**
	 * The service's error code ('unreachable' when it did not answer).
	 *
	 * @var string
	 */
	public $error_code;

	/**
	 * HTTP status (0 when there was no answer).
	 *
	 * @var int
	 */
	public $status;

	/**
	 * The service's own message, untranslated ('' when it sent none), for
	 * screens that show it in the admin's language (Admin\ServiceErrors).
	 *
	 * @var string
	 */
	public $service_message;

	/**
	 * Constructor.
	 *
	 * @param string $message         Translated message.
	 * @param string $error_code      Service error code.
	 * @param int    $status          HTTP status.
	 * @param string $service_message The service's message, as sent.
	 */
	public function __construct( string $message, string $error_code = 'unreachable', int $status = 0, string $service_message = '' ) {
		parent::__construct( $message );
		$this->error_code      = $error_code;
		$this->status          = $status;
		$this->service_message = $service_message;
	}
}
